#!/bin/sh
# A validation plugin (docs/plugins.md): the proposed part arrives on
# stdin as one line of JSON, {"model": "part", "action": ..., "data":
# {..., "IPN": "..." or null, ...}, "settings": {"PATTERN": ...}}.
# Exit 0 accepts it; exit 1 with {"IPN": "message"} on stdout refuses it.
input=$(cat)
case $input in
*'"IPN":null'* | *'"IPN":""'*) exit 0 ;;	# no IPN: nothing to check
esac
# The IPN's JSON text (a quote inside it is escaped, so it cannot end it).
ipn=$(printf '%s\n' "$input" |
    sed -n 's/.*"IPN":"\(\([^"\\]\|\\.\)*\)".*/\1/p')
pattern=${PLUGIN_SETTING_PATTERN:-'^[A-Z]{3}-[0-9]{4}$'}
if printf '%s\n' "$ipn" | grep -Eq -- "$pattern"; then
	exit 0
fi
quoted=$(printf '%s' "$pattern" | sed 's/\\/\\\\/g; s/"/\\"/g')
printf '{"IPN": "IPN must match the pattern %s"}\n' "$quoted"
exit 1
