package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// mailroomBin is the real binary, built once by TestMain: the end-to-end
// and kill tests treat it as a black box, exactly as scripts do.
var mailroomBin string

func TestMain(m *testing.M) {
	if code, ok := benchChild(); ok { // a child of a memory benchmark
		os.Exit(code)
	}
	dir, err := os.MkdirTemp("", "mailroom-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mailroomBin = filepath.Join(dir, "mailroom")
	args := []string{"build", "-tags", "migrated_fynedo", "-o", mailroomBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building mailroom:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	Code           int
	Stdout, Stderr string
}

// runMailroom runs the binary with args in dir and extra environment.
func runMailroom(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(mailroomBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run mailroom %s: %v", strings.Join(args, " "), err)
	}
	return result{Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

// lockedBuffer collects a child process's output from two goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
