#!/usr/bin/env bash
# Builds the Windows release: mailroom.exe (GUI subsystem, cross-compiled
# with mingw-w64, icon/manifest/version resources from go-winres) and the
# NSIS installer, into $DIST. Called by `make package-windows`, which sets:
#   GO TAGS IDFLAGS APP_NAME APP_ID VERSION COMMIT LICENCE DIST BIN SOURCE_DATE_EPOCH
set -euo pipefail
cd "$(dirname "$0")/../.."

stage=$DIST/windows
mkdir -p "$stage"
version4=$VERSION.0
icons=$PWD/assets/icon
# go-winres reads icon paths relative to its JSON file, even absolute ones.
icons_rel=$(realpath --relative-to="$stage" "$icons")

# Resources: icon sizes, manifest (per-monitor-v2 DPI, common controls v6),
# version info.
sed -e "s|@ICONDIR@|$icons_rel|g" -e "s|@APP_ID@|$APP_ID|g" -e "s|@APP_NAME@|$APP_NAME|g" \
	-e "s|@VERSION4@|$version4|g" -e "s|@VERSION@|$VERSION|g" -e "s|@COMMIT@|$COMMIT|g" \
	-e "s|@LICENCE@|$LICENCE|g" packaging/windows/winres.json.in >"$stage/winres.json"
# The .syso must sit in the main package's folder; its _windows_amd64
# suffix keeps it out of every other build. It is generated, never committed.
"$BIN/go-winres" make --in "$stage/winres.json" --out cmd/mailroom/rsrc --arch amd64

CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	"$GO" build -trimpath -buildvcs=false -tags "$TAGS" \
	-ldflags "-H=windowsgui -s -w $IDFLAGS" -o "$stage/mailroom.exe" ./cmd/mailroom
packaging/windows/sign.sh "$stage/mailroom.exe"

# The installer's icon, from the same PNGs.
icotool -c -o "$stage/mailroom.ico" "$icons"/mailroom-{16,24,32,48,64,256}.png

# NSIS stores each installed file's modification time in the installer:
# give both files the commit's time, or two builds of one commit differ.
cp LICENSE "$stage/LICENSE.txt"
touch -d "@$SOURCE_DATE_EPOCH" "$stage/mailroom.exe" "$stage/LICENSE.txt"

setup=$DIST/$APP_NAME-$VERSION-windows-amd64-setup.exe
sign=()
[[ -n ${MAILROOM_SIGN_PFX:-} ]] && sign=(-DSIGN_CMD="$PWD/packaging/windows/sign.sh")
makensis -V2 -INPUTCHARSET UTF8 "${sign[@]}" \
	-DAPP_NAME="$APP_NAME" -DAPP_ID="$APP_ID" -DVERSION="$VERSION" -DVERSION4="$version4" \
	-DEXE="$stage/mailroom.exe" -DICON="$stage/mailroom.ico" -DLICENSE_FILE="$stage/LICENSE.txt" \
	-DOUTFILE="$setup" packaging/windows/installer.nsi
ls -l "$stage/mailroom.exe" "$setup"
