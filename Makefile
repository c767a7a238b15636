# Mailroom: `make run` opens the app, `make test` runs every check.
# Both install what they need first (Debian packages, Go modules, tools).

GO      ?= go
TAGS    := migrated_fynedo
BIN     := $(CURDIR)/.bin
MAILPIT := $(BIN)/mailpit
MAILPIT_VERSION := v1.33.1
PKGS    ?= ./...
BENCH   ?= .

# "Sign in with Google / Microsoft" uses the apps Mailroom is built with.
# Their IDs come from the environment (a release build sets them from the
# build machine's secrets) and are never committed; without them users
# paste their organisation's own app in the account form (docs/accounts.md).
OAUTH_LDFLAGS := -X mailroom/app/oauth.googleClientID=$(MAILROOM_GOOGLE_CLIENT_ID) \
	-X mailroom/app/oauth.googleClientSecret=$(MAILROOM_GOOGLE_CLIENT_SECRET) \
	-X mailroom/app/oauth.microsoftClientID=$(MAILROOM_MICROSOFT_CLIENT_ID)

.PHONY: run build test bench vet lint deps deps-test deps-bench modules tools screenshots-linux

# run and build leave out -race: under the race detector the window takes
# 450+ MB and keeps growing (docs/benchmarks.md, "The window"); make test
# keeps it.
run: deps modules
	$(GO) run -tags $(TAGS) -ldflags '$(OAUTH_LDFLAGS)' ./cmd/mailroom

build: deps modules
	$(GO) build -tags $(TAGS) -ldflags '$(OAUTH_LDFLAGS)' -o $(BIN)/mailroom ./cmd/mailroom

# Tests run inside a private D-Bus session with a throwaway, unlocked
# gnome-keyring, so the keychain tests talk to a real Secret Service. The
# keyring needs a non-empty password: unlocked with an empty one, gnome-keyring
# creates no default collection and go-keyring has nowhere to store.
test: deps-test modules tools vet lint
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d) && \
		printf mailroom-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
		MAILROOM_SECRET_SERVICE=1 MAILPIT_BIN=$(MAILPIT) $(GO) test -race -tags $(TAGS) -count=1 $(PKGS); \
		status=$$?; rm -rf "$$XDG_DATA_HOME"; exit $$status'

bench: deps-bench modules tools
	MAILPIT_BIN=$(MAILPIT) $(GO) test -tags $(TAGS) -run '^$$' -bench '$(BENCH)' -benchmem -count=1 -timeout 60m $(PKGS)

vet:
	$(GO) vet -tags $(TAGS) $(PKGS)

lint:
	$(GO) tool staticcheck -tags $(TAGS) $(PKGS)

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

# Screenshots of the real window (built without -race) under Xvfb: the
# sample campaign page by page (welcome, account, recipients with
# problems, compose with preview, check, sending, summary, history) in
# English and Chinese, light and dark, at 1366x768 and 800x600, into
# dist/screenshots/LANG-THEME-SIZE/. The window drives itself
# (MAILROOM_TOUR, ui/tour.go) and sends to an in-process test server.
screenshots-linux: modules
	@packaging/linux/install-build-deps.sh screenshots
	$(GO) run ./packaging/screenshots -out dist/screenshots
