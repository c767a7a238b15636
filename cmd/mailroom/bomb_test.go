//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"mailroom/app/recipients/booktest"
	"mailroom/sender/smtptest"
)

// plainBin is the binary as users get it, without the race detector (which
// multiplies memory several times): memory is measured on it. Under -race
// it is built once for the tests that need it.
var (
	plainBinOnce sync.Once
	plainBinPath string
	plainBinErr  error
)

func plainBinary(t testing.TB) string {
	t.Helper()
	if !raceEnabled {
		return mailroomBin
	}
	plainBinOnce.Do(func() {
		plainBinPath = filepath.Join(filepath.Dir(mailroomBin), "mailroom-plain")
		build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", plainBinPath, ".")
		var out bytes.Buffer
		build.Stdout, build.Stderr = &out, &out
		if err := build.Run(); err != nil {
			plainBinErr = fmt.Errorf("building mailroom without -race: %v\n%s", err, out.String())
		}
	})
	if plainBinErr != nil {
		t.Fatal(plainBinErr)
	}
	return plainBinPath
}

// TestWorkbookBombsCannotExhaustMemory runs the real `mailroom check` and
// `mailroom send` on each kind of crafted workbook, in a child process
// whose peak memory is measured: each is refused with exit 2, a message
// naming the file and what to do, nothing sent, and a peak under 300 MB.
// Without the limits, the first of them alone takes 2 GB and the process
// is killed.
func TestWorkbookBombsCannotExhaustMemory(t *testing.T) {
	const maxRSS = 300 << 20
	bin := plainBinary(t)
	server := smtptest.Start(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hello {{Name}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bomb := range booktest.Bombs() {
		t.Run(bomb.Name, func(t *testing.T) {
			book := filepath.Join(dir, bomb.Name+".xlsx")
			if err := bomb.Write(book); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(book)
			if err != nil {
				t.Fatal(err)
			}
			for _, cmd := range []string{"check", "send"} {
				child := exec.Command(bin, cmd, "--recipients", book, "--from", "Me <me@example.com>",
					"--subject", "Hi {{Name}}", "--body", "body.txt", "--smtp", "smtp+plain://"+server.Addr(),
					"--journal", filepath.Join(t.TempDir(), "j.db"))
				child.Dir, child.Env = dir, append(os.Environ(), userEnv(t)...)
				r := measureRSS(t, child)
				t.Logf("%s %s: %d KB on disk unpacking to %d MB; peak RSS %d MB, exit %d",
					cmd, bomb.Name, info.Size()>>10, bomb.Size()>>20, r.PeakRSS>>20, r.Code)
				output := r.Stdout + r.Stderr
				if r.Code != 2 {
					t.Errorf("%s: exit %d, want 2\n%s", cmd, r.Code, output)
				}
				if r.PeakRSS > maxRSS {
					t.Errorf("%s: peak memory %d MB, want under %d MB", cmd, r.PeakRSS>>20, maxRSS>>20)
				}
				if !strings.Contains(output, "blocking: "+bomb.Name+".xlsx") || !strings.Contains(output, "save it") {
					t.Errorf("%s: the output does not name the file and say what to do:\n%s", cmd, output)
				}
				if strings.Contains(output, "goroutine ") || strings.Contains(output, "panic") {
					t.Errorf("%s: stack trace shown to the user:\n%s", cmd, output)
				}
			}
			if n := server.Count(); n != 0 {
				t.Errorf("the server received %d messages", n)
			}
		})
	}
}
