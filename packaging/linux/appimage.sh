#!/usr/bin/env bash
# Builds an AppImage from the release binary. Its tools (appimagetool and
# its runtime) are downloaded from GitHub, so this runs in the release
# workflow only, never in `make dist` here. Called by `make package-appimage`
# after `make package-linux`; sets: APP_NAME APP_ID VERSION DIST
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=$DIST/appimagetool
if [[ ! -x $tool ]]; then
	curl -fsSL -o "$tool" https://github.com/AppImage/appimagetool/releases/download/continuous/appimagetool-x86_64.AppImage
	chmod +x "$tool"
fi
appdir=$DIST/appimage/$APP_NAME.AppDir
rm -rf "$appdir"
mkdir -p "$appdir/usr/bin" "$appdir/usr/share/applications" "$appdir/usr/share/metainfo"
cp "$DIST/linux/mailroom" "$appdir/usr/bin/"
cp "packaging/linux/$APP_ID.desktop" "$appdir/usr/share/applications/"
cp "packaging/linux/$APP_ID.desktop" "$appdir/"
cp "packaging/linux/$APP_ID.metainfo.xml" "$appdir/usr/share/metainfo/"
for s in 16 24 32 48 64 128 256 512; do
	mkdir -p "$appdir/usr/share/icons/hicolor/${s}x$s/apps"
	cp "assets/icon/mailroom-$s.png" "$appdir/usr/share/icons/hicolor/${s}x$s/apps/$APP_ID.png"
done
cp assets/icon/mailroom-256.png "$appdir/$APP_ID.png"
ln -sf usr/bin/mailroom "$appdir/AppRun"
ARCH=x86_64 APPIMAGE_EXTRACT_AND_RUN=1 "$tool" "$appdir" "$DIST/$APP_NAME-$VERSION-linux-x86_64.AppImage"
