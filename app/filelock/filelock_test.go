package filelock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// childEnv makes the test binary a locking child (see TestMain):
//
//	"hold PATH": lock, print "locked", hold until stdin closes, then
//	create PATH.released and release;
//	"count PATH FILE N": N times, under the lock, add one to the number in FILE.
const childEnv = "MAILROOM_TEST_FILELOCK_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		if err := child(strings.Fields(spec)); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func child(args []string) error {
	switch args[0] {
	case "hold":
		l, err := Acquire(context.Background(), args[1])
		if err != nil {
			return err
		}
		fmt.Println("locked")
		_, _ = io.Copy(io.Discard, os.Stdin)
		if err := os.WriteFile(args[1]+".released", nil, 0o600); err != nil {
			return err
		}
		l.Release()
		return nil
	case "count":
		n, _ := strconv.Atoi(args[3])
		for range n {
			if err := increment(args[1], args[2]); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown child %q", args)
}

// increment is a read-modify-write of the number in file under the lock
// at lockPath: without mutual exclusion, concurrent increments get lost.
func increment(lockPath, file string) error {
	l, err := Acquire(context.Background(), lockPath)
	if err != nil {
		return err
	}
	defer l.Release()
	b, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return os.WriteFile(file, []byte(strconv.Itoa(n+1)), 0o600)
}

// startHolder starts a child that holds the lock at path until the
// returned function is called (which waits for it to release and exit).
func startHolder(t *testing.T, path string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=hold "+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("holder said %q, %v", line, err)
	}
	return func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("holder: %v", err)
		}
	}
}

func TestTryAcquireExcludesOtherProcessesAndThisOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	release := startHolder(t, path)
	if _, err := TryAcquire(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("TryAcquire while another process holds it: %v, want ErrLocked", err)
	}
	release()
	l, err := TryAcquire(path)
	if err != nil {
		t.Fatalf("TryAcquire after the holder released: %v", err)
	}
	if _, err := TryAcquire(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second TryAcquire in this process: %v, want ErrLocked", err)
	}
	l.Release()
	l.Release() // a second Release does nothing
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after Release: %v, want it gone", err)
	}
}

// TestAcquireWaitsForTheHolder: Acquire returns only once the other
// process has let go, and gives up when its context ends.
func TestAcquireWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	release := startHolder(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Acquire(ctx, path); !errors.Is(err, ErrLocked) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire with an ended context: %v", err)
	}
	blocked := make(chan struct{})
	var once sync.Once
	waiting = func(string) { once.Do(func() { close(blocked) }) }
	defer func() { waiting = nil }()
	got := make(chan error, 1)
	go func() {
		l, err := Acquire(context.Background(), path)
		if err == nil {
			if _, serr := os.Stat(path + ".released"); serr != nil {
				err = errors.New("Acquire returned while the other process held the lock")
			}
			l.Release()
		}
		got <- err
	}()
	select {
	case <-blocked: // it waits: let the holder go
	case err := <-got:
		t.Fatalf("Acquire did not wait for the holder: %v", err)
	}
	release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// TestCrashLeftoverIsTakenOver: a lock file nobody holds (left by a
// killed process) does not block, and is removed on release.
func TestCrashLeftoverIsTakenOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := TryAcquire(path)
	if err != nil {
		t.Fatalf("TryAcquire over a leftover file: %v", err)
	}
	l.Release()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after Release: %v, want it gone", err)
	}
}

// TestAcquireExcludesEveryone: goroutines and processes increment one
// number under the lock; no increment is lost, and nothing is left.
func TestAcquireExcludesEveryone(t *testing.T) {
	dir := t.TempDir()
	lockPath, file := filepath.Join(dir, "n.lock"), filepath.Join(dir, "n")
	const procs, goroutines, each = 3, 4, 40
	var cmds []*exec.Cmd
	for range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=count %s %s %d", childEnv, lockPath, file, each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Go(func() {
			for range each {
				if err := increment(lockPath, file); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if got, want := strings.TrimSpace(string(b)), strconv.Itoa((procs+goroutines)*each); got != want {
		t.Errorf("counter = %s, want %s", got, want)
	}
	if _, err := os.Stat(lockPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after everyone released: %v, want it gone", err)
	}
	slots.mu.Lock()
	defer slots.mu.Unlock()
	if len(slots.m) != 0 {
		t.Errorf("%d in-process slots remain", len(slots.m))
	}
}
