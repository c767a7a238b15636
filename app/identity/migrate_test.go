package identity

import (
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMoveLegacyDirMovesEverything(t *testing.T) {
	base := t.TempDir()
	legacy, dir := filepath.Join(base, LegacyName), filepath.Join(base, ID)
	write(t, filepath.Join(legacy, "accounts.json"), "accounts")
	write(t, filepath.Join(legacy, "data", "journal.db"), "journal")
	write(t, filepath.Join(legacy, "data", "journal.db-wal"), "wal")
	got, err := MoveLegacyDir(legacy, dir)
	if err != nil || got != dir {
		t.Fatalf("MoveLegacyDir = %q, %v; want %q", got, err, dir)
	}
	if read(t, filepath.Join(dir, "accounts.json")) != "accounts" || read(t, filepath.Join(dir, "data", "journal.db")) != "journal" ||
		read(t, filepath.Join(dir, "data", "journal.db-wal")) != "wal" {
		t.Fatal("contents not moved")
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Fatalf("legacy folder still there: %v", err)
	}
	// A second start finds the new folder and does nothing.
	if got, err := MoveLegacyDir(legacy, dir); err != nil || got != dir {
		t.Fatalf("second start: %q, %v", got, err)
	}
}

func TestMoveLegacyDirNeverMergesOrOverwrites(t *testing.T) {
	base := t.TempDir()
	legacy, dir := filepath.Join(base, LegacyName), filepath.Join(base, ID)
	write(t, filepath.Join(legacy, "accounts.json"), "old")
	write(t, filepath.Join(dir, "accounts.json"), "new")
	got, err := MoveLegacyDir(legacy, dir)
	if err != nil || got != dir {
		t.Fatalf("MoveLegacyDir = %q, %v", got, err)
	}
	if read(t, filepath.Join(dir, "accounts.json")) != "new" || read(t, filepath.Join(legacy, "accounts.json")) != "old" {
		t.Fatal("a folder was changed")
	}
}

func TestMoveLegacyDirFirstStart(t *testing.T) {
	base := t.TempDir()
	got, err := MoveLegacyDir(filepath.Join(base, LegacyName), filepath.Join(base, ID))
	if err != nil || got != filepath.Join(base, ID) {
		t.Fatalf("MoveLegacyDir = %q, %v", got, err)
	}
}

// TestMoveLegacyDirKeepsLegacyWhenTheMoveFails: the user's history stays
// usable where it is.
func TestMoveLegacyDirKeepsLegacyWhenTheMoveFails(t *testing.T) {
	base := t.TempDir()
	legacy := filepath.Join(base, LegacyName)
	write(t, filepath.Join(legacy, "accounts.json"), "old")
	dir := filepath.Join(base, "missing-parent", ID) // rename cannot create the parent
	got, err := MoveLegacyDir(legacy, dir)
	if err == nil || got != legacy {
		t.Fatalf("MoveLegacyDir = %q, %v; want legacy and an error", got, err)
	}
	if read(t, filepath.Join(legacy, "accounts.json")) != "old" {
		t.Fatal("legacy changed")
	}
}
