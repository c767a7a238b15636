# Mailroom: `make run` opens the app, `make test` runs every check,
# `make dist` builds the installers, `make dist-check` checks them.
# Every target installs what it needs first (Debian packages, Go modules,
# pinned Go tools in .bin/).

GO      ?= go
TAGS    := migrated_fynedo
BIN     := $(CURDIR)/.bin
DIST    ?= $(CURDIR)/dist
MAILPIT := $(BIN)/mailpit
PKGS    ?= ./...
BENCH   ?= .

# Pinned tools (go install into .bin/, never the user's GOPATH).
MAILPIT_VERSION   := v1.33.1
NFPM_VERSION      := v2.45.2
GOWINRES_VERSION  := v0.3.3
FYNE_VERSION      := v1.7.4
ACTIONLINT_VERSION := v1.7.12

# "Sign in with Google / Microsoft" uses the apps Mailroom is built with.
# Their IDs come from the environment (a release build sets them from the
# build machine's secrets) and are never committed; without them users
# paste their organisation's own app in the account form (docs/accounts.md).
OAUTH_LDFLAGS := -X mailroom/app/oauth.googleClientID=$(MAILROOM_GOOGLE_CLIENT_ID) \
	-X mailroom/app/oauth.googleClientSecret=$(MAILROOM_GOOGLE_CLIENT_SECRET) \
	-X mailroom/app/oauth.microsoftClientID=$(MAILROOM_MICROSOFT_CLIENT_ID)

# Identity: FyneApp.toml is the one source of name, ID and version
# (app/identity is generated from it; a test checks they agree).
toml     = $(shell sed -n 's/^$(1) *= *"\(.*\)"/\1/p' FyneApp.toml)
APP_NAME := $(call toml,Name)
APP_ID   := $(call toml,ID)
VERSION  ?= $(call toml,Version)
LICENCE  := $(shell sed -n 's/^const Licence = "\(.*\)"/\1/p' app/identity/identity.go)
COMMIT   ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo -dirty)
# Reproducible builds: every timestamp in a package is the commit's.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
IDFLAGS  := -X mailroom/app/identity.Version=$(VERSION) -X mailroom/app/identity.Commit=$(COMMIT) $(OAUTH_LDFLAGS)
export GO TAGS BIN DIST APP_NAME APP_ID VERSION LICENCE COMMIT SOURCE_DATE_EPOCH IDFLAGS

.PHONY: run build test bench vet lint deps deps-test deps-bench modules tools \
	dist package-linux package-windows package-macos package-appimage dist-check \
	screenshots screenshots-linux screenshots-windows icons workflow-check version

# run and build leave out -race: under the race detector the window takes
# 450+ MB and keeps growing (docs/benchmarks.md, "The window"); make test
# keeps it.
run: deps modules
	$(GO) run -tags $(TAGS) -ldflags "$(IDFLAGS)" ./cmd/mailroom

build: deps modules
	$(GO) build -tags $(TAGS) -ldflags "$(IDFLAGS)" -o $(BIN)/mailroom ./cmd/mailroom

# Tests run inside a private D-Bus session with a throwaway, unlocked
# gnome-keyring, so the keychain tests talk to a real Secret Service. The
# keyring needs a non-empty password: unlocked with an empty one, gnome-keyring
# creates no default collection and go-keyring has nowhere to store.
test: deps-test modules tools vet lint workflow-check
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d) && \
		printf mailroom-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
		MAILROOM_SECRET_SERVICE=1 MAILPIT_BIN=$(MAILPIT) $(GO) test -race -tags $(TAGS) -count=1 $(PKGS); \
		status=$$?; rm -rf "$$XDG_DATA_HOME"; exit $$status'

bench: deps-bench modules tools
	MAILPIT_BIN=$(MAILPIT) dbus-run-session -- $(GO) test -tags $(TAGS) -run '^$$' -bench '$(BENCH)' -benchmem -count=1 -timeout 60m $(PKGS)

vet:
	$(GO) vet -tags $(TAGS) $(PKGS)

lint:
	$(GO) tool staticcheck -tags $(TAGS) $(PKGS)

# The release workflow cannot run here: actionlint checks its syntax and
# expressions, and a test checks every make target it calls exists.
workflow-check: $(BIN)/actionlint
	$(BIN)/actionlint .github/workflows/*.yml

deps:
	@packaging/linux/install-build-deps.sh build

deps-test:
	@packaging/linux/install-build-deps.sh test

deps-bench:
	@packaging/linux/install-build-deps.sh bench

modules:
	@$(GO) mod download

tools: $(MAILPIT)

$(MAILPIT):
	GOBIN=$(BIN) $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

$(BIN)/nfpm:
	GOBIN=$(BIN) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

$(BIN)/go-winres:
	GOBIN=$(BIN) $(GO) install github.com/tc-hib/go-winres@$(GOWINRES_VERSION)

$(BIN)/fyne:
	GOBIN=$(BIN) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION)

$(BIN)/actionlint:
	GOBIN=$(BIN) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

# ---- Packages (see docs/packaging.md) ----------------------------------
# Release builds: -trimpath, stripped, no -race, version and commit from
# FyneApp.toml and git. Override VERSION=… only with FyneApp.toml's.

dist: package-linux package-windows

package-linux: modules $(BIN)/nfpm $(BIN)/fyne
	@packaging/linux/install-build-deps.sh dist-linux
	packaging/linux/package.sh

package-windows: modules $(BIN)/go-winres
	@packaging/linux/install-build-deps.sh dist-windows
	packaging/windows/package.sh

# macOS: on a Mac only (the release workflow's macos job); see the script.
package-macos: modules $(BIN)/fyne
	packaging/macos/package.sh

# AppImage: its tools come from GitHub downloads, so the release workflow
# builds it, after package-linux.
package-appimage:
	packaging/linux/appimage.sh

# The version every package carries (FyneApp.toml's).
version:
	@echo $(VERSION)

# Checks the packages built by `make dist` the way users meet them: the
# .deb installed and its window opened under Xvfb, the installer run under
# Wine, both builds repeated byte for byte. Screenshots go to dist/screenshots.
dist-check: dist
	@packaging/linux/install-build-deps.sh dist-check
	MAILROOM_DIST=$(DIST) $(GO) test -tags $(TAGS) -count=1 -timeout 80m -v ./packaging/distcheck/

# Screenshots: the Linux window tour into dist/screenshots, and the Windows
# build's window under Wine, kept in docs/screenshots.
screenshots: screenshots-linux screenshots-windows

screenshots-windows: package-windows
	@packaging/linux/install-build-deps.sh dist-check
	MAILROOM_DIST=$(DIST) MAILROOM_SCREENSHOTS=$(CURDIR)/docs/screenshots \
		$(GO) test -tags $(TAGS) -count=1 -timeout 30m -v -run 'TestWindowsScreenshot' ./packaging/distcheck/

# Renders the icon sizes from assets/icon/*.svg (committed; rerun after
# editing the SVG).
icons:
	@packaging/linux/install-build-deps.sh icons
	for s in 16 24; do rsvg-convert -w $$s -h $$s assets/icon/mailroom-small.svg -o assets/icon/mailroom-$$s.png; done
	for s in 32 48 64 128 256 512; do rsvg-convert -w $$s -h $$s assets/icon/mailroom.svg -o assets/icon/mailroom-$$s.png; done
	rsvg-convert -w 1024 -h 1024 assets/icon/mailroom.svg -o assets/icon.png

# Screenshots of the real window (built without -race) under Xvfb: the
# sample campaign page by page (welcome, account, recipients with
# problems, compose with preview, check, sending, summary, history) in
# English and Chinese, light and dark, at 1366x768 and 800x600, into
# dist/screenshots/LANG-THEME-SIZE/. The window drives itself
# (MAILROOM_TOUR, ui/tour.go) and sends to an in-process test server.
screenshots-linux: modules
	@packaging/linux/install-build-deps.sh screenshots
	# A private session bus, as on a desktop: without one each window
	# autostarts a D-Bus daemon (dbus-launch) that outlives it.
	dbus-run-session -- $(GO) run ./packaging/screenshots -out dist/screenshots
