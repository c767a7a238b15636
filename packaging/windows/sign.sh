#!/usr/bin/env bash
# Signs Windows executables in place with Authenticode (osslsigncode) when
# a certificate is given; does nothing otherwise. Never commit a
# certificate: the release workflow writes it from its secrets.
#   MAILROOM_SIGN_PFX           path to a PKCS#12 (.pfx) file
#   MAILROOM_SIGN_PASSWORD      its password (may be empty)
#   MAILROOM_SIGN_TIMESTAMP_URL optional RFC 3161 timestamp server
# usage: sign.sh FILE...
set -euo pipefail
if [[ -z ${MAILROOM_SIGN_PFX:-} ]]; then
	exit 0
fi
ts=()
[[ -n ${MAILROOM_SIGN_TIMESTAMP_URL:-} ]] && ts=(-ts "$MAILROOM_SIGN_TIMESTAMP_URL")
for f in "$@"; do
	osslsigncode sign -pkcs12 "$MAILROOM_SIGN_PFX" -pass "${MAILROOM_SIGN_PASSWORD:-}" \
		-n "Mailroom" -i "https://github.com/mailroomapp/mailroom" -h sha256 \
		"${ts[@]}" -in "$f" -out "$f.signed" >/dev/null
	mv "$f.signed" "$f"
	echo "signed $f"
done
