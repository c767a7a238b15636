package atomicfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const childEnv = "MAILROOM_ATOMICFILE_CHILD" // "path|step": write, stop at step

var (
	oldContent = bytes.Repeat([]byte("old 旧的 "), 100_000)
	newContent = bytes.Repeat([]byte("NEW 新的 "), 150_000)
)

func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(child(v))
	}
	os.Exit(m.Run())
}

// child writes newContent over path and, at the named step, says so and
// waits to be killed.
func child(v string) int {
	path, stop, _ := strings.Cut(v, "|")
	step = func(name string) {
		if name == stop {
			fmt.Println("AT", name)
			time.Sleep(time.Hour)
		}
	}
	if err := WriteFile(path, newContent, 0o600); err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	fmt.Println("DONE")
	return 0
}

// TestCrashBetweenStepsLeavesOldOrNew kills a child process after each
// step of Write and checks that the file holds exactly the old content
// (before the rename) or exactly the new one (after it), with the old
// file's permissions.
func TestCrashBetweenStepsLeavesOldOrNew(t *testing.T) {
	for _, tc := range []struct {
		step string
		want []byte
	}{
		{"created", oldContent},
		{"written", oldContent},
		{"synced", oldContent},
		{"renamed", newContent},
		{"dir-synced", newContent},
	} {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "客户 list.csv")
			if err := os.WriteFile(path, oldContent, 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o640); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+path+"|"+tc.step)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "AT "+tc.step {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child said %q (%v), want AT %s", line, err, tc.step)
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()

			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("after a crash at %s the file is gone: %v", tc.step, err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("after a crash at %s the file holds %d bytes, neither exactly the old (%d) nor the new (%d) content as expected",
					tc.step, len(got), len(oldContent), len(newContent))
			}
			if runtime.GOOS != "windows" {
				if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o640 {
					t.Errorf("mode after a crash at %s: %v (%v), want 0640 kept", tc.step, info.Mode().Perm(), err)
				}
			}
		})
	}
}

func TestNewFileGetsPermAndFailedWriteKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "accounts.json")
	if err := WriteFile(path, []byte("v1"), 0o600); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0600", info.Mode().Perm())
	}
	boom := errors.New("the source went away")
	err := Write(path, 0o600, func(w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("x"), 200_000)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the callback's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "v1" {
		t.Errorf("a failed write changed the file to %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("a failed write left %d files in the folder, want only the original", len(entries))
	}
}

func TestSymlinkIsFollowed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Errorf("the link's target holds %q", got)
	}
}

func TestErrorsNameTheFileNotTheTemporaryOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing folder", "report.csv")
	err := WriteFile(path, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp-") {
		t.Fatalf("error %v, want one naming %s only", err, path)
	}
}
