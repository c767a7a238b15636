//go:build linux

package journal

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"mailroom/sender"
)

// mountTmpfs mounts a small tmpfs of the given size on a fresh folder, or
// skips the test when this process may not mount (not root, no
// CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a test filesystem (%v): needs root with CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestReadOnlyMount: a data folder on a read-only filesystem is refused
// at Open, even for root.
func TestReadOnlyMount(t *testing.T) {
	dir := mountTmpfs(t, "4m")
	path := filepath.Join(dir, "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	campaignWith(t, j, "ro", 3)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	if _, err := Open(path); !errors.Is(err, ErrNotDurable) {
		t.Fatalf("Open on a read-only filesystem: %v, want ErrNotDurable", err)
	}
}

// TestDiskFull fills a small filesystem while a run is sending: a
// MarkSending that cannot be made durable fails with ErrNotDurable, and
// every later one fails too (the engine then stops instead of sending
// unjournaled messages). Rows acknowledged before the failure survive.
func TestDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	path := filepath.Join(dir, "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, res := campaignWith(t, j, "full", 400)
	run, _, err := j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var acknowledged []string
	var failure error
	for i, r := range res.Rows {
		if i == 5 {
			fill(t, filepath.Join(dir, "filler"))
		}
		if err := run.MarkSending(r.Key, "m", ""); err != nil {
			failure = err
			break
		}
		acknowledged = append(acknowledged, r.Key)
		if err := run.MarkDone(sender.Result{Key: r.Key, Outcome: sender.OutcomeSent, Code: 250}); err != nil {
			failure = err
			break
		}
	}
	if !errors.Is(failure, ErrNotDurable) {
		t.Fatalf("after filling the disk: %v, want ErrNotDurable", failure)
	}
	t.Logf("%d messages journaled before the disk was full: %v", len(acknowledged), failure)
	if err := run.MarkSending(res.Rows[len(res.Rows)-1].Key, "m", ""); !errors.Is(err, ErrNotDurable) {
		t.Fatalf("MarkSending after a failed commit: %v, want ErrNotDurable", err)
	}
	run.Close()
	j.Close()

	// Free the space, reopen: every acknowledged MarkSending is there.
	if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
		t.Fatal(err)
	}
	j, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	run2, recovered, err := j.StartRun(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer run2.Close()
	rows, _ := j.Rows(c.ID)
	byKey := map[string]State{}
	for _, r := range rows {
		byKey[r.Key] = r.State
	}
	for _, k := range acknowledged {
		if s := byKey[k]; s != StateSent && s != StateUnknown {
			t.Errorf("%s was acknowledged as sending but is %s after reopen", k, s)
		}
	}
	t.Logf("recovered as unknown after reopen: %d", len(recovered))
}

// TestOpenOnFullDisk: a new journal on a full filesystem is refused.
func TestOpenOnFullDisk(t *testing.T) {
	dir := mountTmpfs(t, "256k")
	fill(t, filepath.Join(dir, "filler"))
	if _, err := Open(filepath.Join(dir, "journal.db")); !errors.Is(err, ErrNotDurable) {
		t.Fatalf("Open on a full disk: %v, want ErrNotDurable", err)
	}
}

// fill writes until the filesystem reports ENOSPC.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling: %v", err)
			}
			return
		}
	}
}
