package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"mailroom/app/identity"
)

// cLocale is the environment of a Debian container, a cron job or CI:
// the C locale with UTF-8, nothing else set.
var cLocale = []string{"LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="}

// TestCLocaleKeepsStderrClean runs the real binary as a script would
// under LANG=C.UTF-8: Fyne's package init used to log "Fyne error: Error
// parsing user locale C" (three lines) before the command's own output.
func TestCLocaleKeepsStderrClean(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--help"},
		{"--version"},
		{"check", "no-such-campaign.json"},
	} {
		r := runMailroom(t, dir, append(userEnv(t), cLocale...), args...)
		if strings.Contains(r.Stderr, "Fyne error") || strings.Contains(r.Stderr, "locale") {
			t.Errorf("mailroom %s: stderr has Fyne's locale complaint:\n%s", strings.Join(args, " "), r.Stderr)
		}
	}
	// The command's own output is still there, in English.
	r := runMailroom(t, dir, append(userEnv(t), cLocale...), "check", "no-such-campaign.json")
	if r.Code != 2 || !strings.HasPrefix(r.Stderr, "mailroom check: ") || strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("check: exit %d, stderr:\n%s", r.Code, r.Stderr)
	}
}

func TestVersionPrintsVersionAndCommit(t *testing.T) {
	r := runMailroom(t, t.TempDir(), userEnv(t), "--version")
	want := identity.Name + " " + identity.Version + " (commit "
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, want) || strings.Count(r.Stdout, "\n") != 1 || r.Stderr != "" {
		t.Errorf("--version: exit %d, stdout %q (want prefix %q), stderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
}

func TestHelpIsTheUsage(t *testing.T) {
	for _, flag := range []string{"--help", "-h", "help"} {
		r := runMailroom(t, t.TempDir(), userEnv(t), flag)
		if r.Code != 0 || !strings.HasPrefix(r.Stderr, "usage:") || !strings.Contains(r.Stderr, "mailroom --version") {
			t.Errorf("%s: exit %d, stderr:\n%s", flag, r.Code, r.Stderr)
		}
	}
}

// TestNoDisplayIsOneLine starts the window where there is no display (an
// SSH session, a container): one line and exit 2, not GLFW's panic.
func TestNoDisplayIsOneLine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the display is named by DISPLAY/WAYLAND_DISPLAY on Linux and the BSDs only")
	}
	env := append(userEnv(t), "DISPLAY=", "WAYLAND_DISPLAY=")
	r := runMailroom(t, t.TempDir(), append(env, cLocale...))
	if r.Code != 2 || r.Stderr != noDisplayMessage+"\n" || r.Stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestEarlierBuildsFolderMovesWithTheID: the settings folder of a build
// before 0.1.0 (…/Mailroom, with the journal in data/) is found under the
// new application ID by the next run, headless as well as in the window.
func TestEarlierBuildsFolderMovesWithTheID(t *testing.T) {
	env := userEnv(t)
	config := strings.TrimPrefix(env[1], "XDG_CONFIG_HOME=")
	legacy := filepath.Join(config, identity.LegacyName)
	if err := os.MkdirAll(filepath.Join(legacy, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(legacy, "data", "journal.db"), []byte("history"), 0o600); err != nil {
		t.Fatal(err)
	}
	runMailroom(t, t.TempDir(), env, "check", "--recipients", "no-such-list.csv")
	got, err := os.ReadFile(filepath.Join(config, identity.ID, "data", "journal.db"))
	if err != nil || string(got) != "history" {
		t.Fatalf("journal not found under the new ID: %q, %v", got, err)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Fatalf("legacy folder left behind: %v", err)
	}
}
