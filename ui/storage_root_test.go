package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/app"

	"mailroom/app/identity"
)

// TestFyneStorageRootIsFynes checks that the folder the preferences are
// migrated in is the one a real Fyne app keeps them in.
func TestFyneStorageRootIsFynes(t *testing.T) {
	// Not t.TempDir: Fyne's settings watcher may still be writing there
	// when the test ends.
	home, err := os.MkdirTemp("", "mailroom-fyne-root-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(home) })
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	a := app.NewWithID("io.example.StorageRootTest")
	if got, want := a.Storage().RootURI().Path(), filepath.Join(fyneStorageRoot(), "io.example.StorageRootTest"); got != want {
		t.Fatalf("Fyne keeps storage in %q, Mailroom migrates %q", got, want)
	}
}

func TestAppIDIsFyneAppTomlID(t *testing.T) {
	if AppID != identity.ID || AppID == identity.LegacyID {
		t.Fatalf("AppID %q, identity.ID %q", AppID, identity.ID)
	}
}
