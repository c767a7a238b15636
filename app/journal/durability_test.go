package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenRefusesFolderThatIsAFile works for every user, root included:
// nothing can be created under a regular file.
func TestOpenRefusesFolderThatIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(filepath.Join(file, "journal.db"))
	var de *DurabilityError
	if !errors.Is(err, ErrNotDurable) || !errors.As(err, &de) || de.Op != "open" {
		t.Fatalf("Open under a file: %v, want a DurabilityError", err)
	}
}

// TestOpenRefusesReadOnlyFolderByPermission covers ordinary users. Root
// ignores permission bits, so there the read-only mount test in
// durability_linux_test.go is the proof instead.
func TestOpenRefusesReadOnlyFolderByPermission(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		f.Close()
		t.Skip("this user (root?) can write into a 0500 folder; see TestReadOnlyMount for the read-only case")
	}
	if _, err := Open(filepath.Join(dir, "journal.db")); !errors.Is(err, ErrNotDurable) {
		t.Fatalf("Open in a read-only folder: %v, want ErrNotDurable", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.db.Exec(`UPDATE schema_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if _, err := Open(path); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of a newer file: %v, want ErrNewerSchema", err)
	}
}
