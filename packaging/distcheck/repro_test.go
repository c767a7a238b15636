package distcheck

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/app/identity"
)

// TestReproducibleBuilds builds every package a second time, from a copy
// of the source tree at another path and with an empty Go build cache (so
// every package, C parts included, is compiled again), and compares the
// Windows exe, the installer, the .deb and the .rpm byte for byte with
// the first build. Same commit, same SOURCE_DATE_EPOCH: same bytes.
func TestReproducibleBuilds(t *testing.T) {
	needDist(t)
	epoch := os.Getenv("SOURCE_DATE_EPOCH")
	if epoch == "" || commit == "" {
		t.Fatal("make dist-check exports SOURCE_DATE_EPOCH and COMMIT; run through it")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	copyDir := filepath.Join(t.TempDir(), "elsewhere", "mailroom")
	copyTree(t, root, copyDir)
	second := filepath.Join(copyDir, "dist")
	cache := t.TempDir()
	begin := time.Now()
	cmd := exec.Command("make", "-C", copyDir, "dist", "DIST="+second, "BIN="+filepath.Join(root, ".bin"),
		"VERSION="+version, "COMMIT="+commit, "SOURCE_DATE_EPOCH="+epoch)
	cmd.Env = append(os.Environ(), "GOCACHE="+cache)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second build: %v\n%s", err, out)
	}
	t.Logf("second build from an empty cache: %s", time.Since(begin).Round(time.Second))
	_ = exec.Command("chmod", "-R", "u+w", cache).Run() // Go's cache may hold read-only files

	for _, name := range []string{
		filepath.Join("windows", "mailroom.exe"),
		identity.Name + "-" + version + "-windows-amd64-setup.exe",
		identity.Name + "-" + version + "-linux-amd64.deb",
		identity.Name + "-" + version + "-linux-amd64.rpm",
		filepath.Join("linux", "mailroom"),
	} {
		a, b := sum(t, filepath.Join(dist, name)), sum(t, filepath.Join(second, name))
		if a != b {
			t.Errorf("%s differs between two builds of the same commit: %s vs %s", name, a, b)
		} else {
			t.Logf("%s: identical, sha256 %s", name, a)
		}
	}
}

// copyTree copies the files git knows (tracked, or new and not ignored):
// the source as a fresh clone would have it, uncommitted edits included.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	out, err := exec.Command("git", "-C", from, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(from, rel)
		info, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the work tree
		}
		if !info.Mode().IsRegular() {
			continue
		}
		dst := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

func sum(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
