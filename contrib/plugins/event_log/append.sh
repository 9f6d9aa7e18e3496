#!/bin/sh
# An event plugin (docs/plugins.md): one event on stdin, {"event": ...,
# "id": ..., "key": ..., "timestamp": ..., "settings": {...}}.  Exit 0:
# delivered.  Anything else: delivered again later (the same key).
[ -n "$PLUGIN_SETTING_LOG_FILE" ] || { echo "LOG_FILE is not set" >&2; exit 2; }
line=$(cat)
printf '%s\n' "$line" >> "$PLUGIN_SETTING_LOG_FILE" || exit 2
