#!/bin/sh
# A URL plugin (docs/plugins.md): a CGI program.  Stockroom has signed the
# caller in and checked the manifest's permission; who they are is in
# STOCKROOM_USER_ID and STOCKROOM_USERNAME (never from a client header).
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
printf 'Status: 200 OK\r\n'
printf 'Content-Type: application/json\r\n\r\n'
printf '{"title": "%s", "user": {"id": %d, "username": "%s"}, ' \
    "$(json "$PLUGIN_SETTING_TITLE")" "$STOCKROOM_USER_ID" \
    "$(json "$STOCKROOM_USERNAME")"
printf '"method": "%s", "path": "%s", "query": "%s"}\n' \
    "$(json "$REQUEST_METHOD")" "$(json "$PATH_INFO")" \
    "$(json "$QUERY_STRING")"
