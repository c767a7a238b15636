package journal

import (
	"os"
	"path/filepath"
	"testing"
)

// lockFiles lists the run lock files next to the journal at path.
func lockFiles(t *testing.T, path string) []string {
	t.Helper()
	m, err := filepath.Glob(path + ".run-*.lock")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCleanExitLeavesNoLockFile: closing a run, or the journal with a run
// still open, removes the run's lock file (issue 9: "*.run-1.lock" stayed
// next to the journal); a file a crash left behind is taken over and
// removed by the next run.
func TestCleanExitLeavesNoLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := campaignWith(t, j, "locks", 2)
	run, _, err := j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := lockFiles(t, path); len(got) != 1 {
		t.Fatalf("while running: lock files %v, want one", got)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	if got := lockFiles(t, path); len(got) != 0 {
		t.Fatalf("after Run.Close: lock files %v remain", got)
	}

	// A crash leaves the file (unlocked): the next run takes it over.
	stale := path + ".run-1.lock"
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.StartRun(c.ID); err != nil {
		t.Fatalf("StartRun over a crash's lock file: %v", err)
	}
	if err := j.Close(); err != nil { // the run is still open: Close releases it
		t.Fatal(err)
	}
	if got := lockFiles(t, path); len(got) != 0 {
		t.Fatalf("after Journal.Close: lock files %v remain", got)
	}
}
