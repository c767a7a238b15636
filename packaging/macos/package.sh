#!/usr/bin/env bash
# Builds the macOS release on a macOS machine (the release workflow's
# macos runner): a universal (arm64 + amd64) Mailroom.app in a .dmg,
# signed with the hardened runtime and notarised when the secrets are
# there, unsigned otherwise. Called by `make package-macos`, which sets:
#   GO TAGS IDFLAGS APP_NAME APP_ID VERSION DIST BIN
# Optional signing (all or nothing):
#   MAILROOM_MACOS_CERT_P12   base64 of a "Developer ID Application" .p12
#   MAILROOM_MACOS_CERT_PASSWORD
#   MAILROOM_MACOS_SIGN_IDENTITY   e.g. "Developer ID Application: Name (TEAMID)"
# Optional notarisation (needs signing):
#   MAILROOM_NOTARY_APPLE_ID MAILROOM_NOTARY_TEAM_ID MAILROOM_NOTARY_PASSWORD
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ $(uname -s) == Darwin ]] || { echo "package-macos runs on macOS only (the release workflow's macos job)" >&2; exit 2; }

# Go 1.25+ supports macOS 12 Monterey and later.
min_macos=12.0
stage=$DIST/macos
mkdir -p "$stage"
for arch in arm64 amd64; do
	CGO_ENABLED=1 GOOS=darwin GOARCH=$arch \
		CGO_CFLAGS="-mmacosx-version-min=$min_macos" CGO_LDFLAGS="-mmacosx-version-min=$min_macos" \
		"$GO" build -trimpath -buildvcs=false -tags "$TAGS" -ldflags "-s -w $IDFLAGS" \
		-o "$stage/mailroom-$arch" ./cmd/mailroom
done
lipo -create -output "$stage/mailroom" "$stage/mailroom-arm64" "$stage/mailroom-amd64"
lipo -info "$stage/mailroom"

# fyne package reads FyneApp.toml where it runs and bumps its Build
# number: run it on a copy.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/assets"
cp FyneApp.toml "$work/"
cp assets/icon.png "$work/assets/"
# With --exe it builds nothing, but it refuses a folder without a .go file.
printf 'package main\n' >"$work/main.go"
(cd "$work" && "$BIN/fyne" package -os darwin --exe "$stage/mailroom" --release)
app=$stage/$APP_NAME.app
rm -rf "$app"
mv "$work/$APP_NAME.app" "$app"

# fyne writes an empty category and macOS 10.11, below Go's own minimum.
plist=$app/Contents/Info.plist
set_plist() { /usr/libexec/PlistBuddy -c "Set :$1 $2" "$plist" 2>/dev/null || /usr/libexec/PlistBuddy -c "Add :$1 string $2" "$plist"; }
set_plist LSApplicationCategoryType public.app-category.productivity
set_plist LSMinimumSystemVersion "$min_macos"
set_plist CFBundleIdentifier "$APP_ID"
set_plist CFBundleShortVersionString "$VERSION"
plutil -lint "$plist"

signed=
if [[ -n ${MAILROOM_MACOS_CERT_P12:-} && -n ${MAILROOM_MACOS_SIGN_IDENTITY:-} ]]; then
	keychain=$work/build.keychain
	security create-keychain -p mailroom "$keychain"
	security set-keychain-settings -lut 3600 "$keychain"
	security unlock-keychain -p mailroom "$keychain"
	echo "$MAILROOM_MACOS_CERT_P12" | base64 --decode >"$work/cert.p12"
	security import "$work/cert.p12" -k "$keychain" -P "${MAILROOM_MACOS_CERT_PASSWORD:-}" -T /usr/bin/codesign
	security set-key-partition-list -S apple-tool:,apple: -s -k mailroom "$keychain" >/dev/null
	security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
	codesign --force --deep --options runtime --timestamp --sign "$MAILROOM_MACOS_SIGN_IDENTITY" "$app"
	codesign --verify --strict --verbose=2 "$app"
	signed=1
else
	echo "macOS signing skipped: MAILROOM_MACOS_CERT_P12 / MAILROOM_MACOS_SIGN_IDENTITY not set"
fi

dmg=$DIST/$APP_NAME-$VERSION-macos-universal.dmg
root=$work/dmg
mkdir -p "$root"
cp -R "$app" "$root/"
ln -s /Applications "$root/Applications"
hdiutil create -volname "$APP_NAME" -srcfolder "$root" -ov -format UDZO "$dmg"
if [[ -n $signed ]]; then
	codesign --force --timestamp --sign "$MAILROOM_MACOS_SIGN_IDENTITY" "$dmg"
fi

if [[ -n $signed && -n ${MAILROOM_NOTARY_APPLE_ID:-} && -n ${MAILROOM_NOTARY_TEAM_ID:-} && -n ${MAILROOM_NOTARY_PASSWORD:-} ]]; then
	xcrun notarytool submit "$dmg" --apple-id "$MAILROOM_NOTARY_APPLE_ID" \
		--team-id "$MAILROOM_NOTARY_TEAM_ID" --password "$MAILROOM_NOTARY_PASSWORD" --wait
	xcrun stapler staple "$dmg"
else
	echo "notarisation skipped: needs signing and MAILROOM_NOTARY_APPLE_ID / _TEAM_ID / _PASSWORD"
fi
ls -l "$dmg"
