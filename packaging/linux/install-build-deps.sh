#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Mailroom needs, only when missing, so
# every make target works on a fresh machine. Profiles:
#   build           C headers for Fyne's GLFW driver (cgo)
#   test            build + Xvfb, a Secret Service (gnome-keyring on D-Bus), CJK fonts
#   bench           test + Postfix's smtp-source/smtp-sink for reference figures
#   icons           rsvg-convert, to render assets/icon/*.svg
#   dist-linux      build (nfpm and fyne are Go tools the Makefile installs)
#   dist-windows    the mingw-w64 C cross-compiler, NSIS, icotool (icoutils)
#   dist            dist-linux + dist-windows
#   dist-check      dist + what checks the packages: lintian, desktop-file-validate,
#                   appstreamcli, rpm, Wine, Xvfb, xwininfo, ImageMagick, osslsigncode
#   screenshots     build + Xvfb, CJK fonts and ImageMagick's import
set -euo pipefail

profile=${1:-build}
build=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libxkbcommon-dev)
test=(xvfb xauth dbus dbus-x11 gnome-keyring fonts-noto-cjk)
bench=(postfix)
screenshots=(xvfb xauth dbus fonts-noto-cjk imagemagick)
icons=(librsvg2-bin)
windows=(gcc-mingw-w64-x86-64 nsis icoutils)
check=(xvfb xauth dbus x11-utils imagemagick fonts-noto-cjk lintian desktop-file-utils
	appstream rpm wine wine64 osslsigncode openssl)

case "$profile" in
build | dist-linux) want=("${build[@]}") ;;
test) want=("${build[@]}" "${test[@]}") ;;
bench) want=("${build[@]}" "${test[@]}" "${bench[@]}") ;;
icons) want=("${icons[@]}") ;;
dist-windows) want=("${windows[@]}") ;;
dist) want=("${build[@]}" "${windows[@]}") ;;
dist-check) want=("${build[@]}" "${windows[@]}" "${check[@]}") ;;
screenshots) want=("${build[@]}" "${screenshots[@]}") ;;
*) echo "usage: $0 build|test|bench|screenshots|icons|dist-linux|dist-windows|dist|dist-check" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "Not a Debian-based system: install the equivalents of: ${want[*]}" >&2
	exit 0
fi

missing=()
for pkg in "${want[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how it is configured; "No configuration" keeps it from
# touching the machine's mail setup (we only use its test tools).
echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections 2>/dev/null || true
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
