#!/usr/bin/env bash
# Builds the Linux release: a stripped, position-independent mailroom
# binary, the .deb and .rpm (nfpm) and the `fyne package` tarball for other
# distributions, into $DIST. Called by `make package-linux`, which sets:
#   GO TAGS IDFLAGS APP_NAME APP_ID VERSION COMMIT DIST BIN SOURCE_DATE_EPOCH
set -euo pipefail
cd "$(dirname "$0")/../.."

stage=$DIST/linux
mkdir -p "$stage"
# PIE and full RELRO (-z now): the hardening Debian expects of a binary.
CGO_ENABLED=1 "$GO" build -trimpath -buildvcs=false -buildmode=pie -tags "$TAGS" \
	-ldflags "-s -w -extldflags=-Wl,-z,relro,-z,now $IDFLAGS" -o "$stage/mailroom" ./cmd/mailroom

# Compressed without names or timestamps (gzip -n), so the package is
# byte-for-byte reproducible.
gzip -9nc packaging/linux/mailroom.1 >"$stage/mailroom.1.gz"
# A Debian-format changelog (lintian reads it as one), dated by the commit.
{
	printf 'mailroom (%s) unstable; urgency=medium\n\n' "$VERSION"
	printf '  * %s %s: https://github.com/mailroomapp/mailroom/releases/tag/v%s\n\n' "$APP_NAME" "$VERSION" "$VERSION"
	printf ' -- The Mailroom authors <mailroom@users.noreply.github.com>  %s\n' "$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9nc >"$stage/changelog.gz"

export VERSION APP_ID STAGE=$stage
base=$DIST/$APP_NAME-$VERSION-linux-amd64
"$BIN/nfpm" package --config packaging/linux/nfpm.yaml --packager deb --target "$base.deb" >/dev/null
"$BIN/nfpm" package --config packaging/linux/nfpm.yaml --packager rpm --target "$base.rpm" >/dev/null

# fyne package reads FyneApp.toml from the folder it runs in and bumps its
# Build number: run it on a copy, with the binary built above.
fyne=$(mktemp -d)
trap 'rm -rf "$fyne"' EXIT
mkdir -p "$fyne/assets"
cp FyneApp.toml "$fyne/"
cp assets/icon.png "$fyne/assets/"
# With --exe it builds nothing, but it refuses a folder without a .go file.
printf 'package main\n' >"$fyne/main.go"
(cd "$fyne" && "$BIN/fyne" package -os linux --exe "$stage/mailroom" --release >/dev/null)
mv "$fyne/$APP_NAME.tar.xz" "$base.tar.xz"
ls -l "$base".*
