package recipients

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
	"time"

	"mailroom/app/msg"
)

// suppressChildEnv makes the test binary a writer of a do-not-send list
// (see TestMain):
//
//	"add PATH PREFIX N": N changes, each adding PREFIX-i@example.com;
//	"hold PATH ENTRY": one change that removes ENTRY, prints "changing"
//	and waits for stdin to close before it is written.
const suppressChildEnv = "MAILROOM_TEST_SUPPRESS_CHILD"

func suppressChild(spec string) int {
	f := strings.Fields(spec)
	var err error
	switch f[0] {
	case "add":
		n, _ := strconv.Atoi(f[3])
		for i := 0; i < n && err == nil; i++ {
			err = UpdateSuppressionList(context.Background(), f[1], func(l *SuppressionList) error {
				return l.Add(fmt.Sprintf("%s-%d@example.com", f[2], i), "child")
			})
		}
	case "hold":
		err = UpdateSuppressionList(context.Background(), f[1], func(l *SuppressionList) error {
			l.Remove(f[2])
			fmt.Println("changing")
			_, _ = io.Copy(io.Discard, os.Stdin)
			return nil
		})
	default:
		err = fmt.Errorf("unknown child %q", spec)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

func startSuppressChild(t *testing.T, spec string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), suppressChildEnv+"="+spec)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestConcurrentWritersKeepEveryEntry: goroutines and other processes
// each add distinct entries, one change at a time, while another
// goroutine removes the entries present at the start. Afterwards every
// addition is on the list and every removal holds. Writing a list read
// earlier (what every writer did before UpdateSuppressionList) lost most
// of them: each read the old file, added its own entry and wrote.
func TestConcurrentWritersKeepEveryEntry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "do-not-send.txt")
	const procs, goroutines, each = 3, 4, 30
	var old []string
	for i := range each {
		old = append(old, fmt.Sprintf("old-%d@example.com", i))
	}
	add(t, path, "", old...)

	var cmds []*exec.Cmd
	for p := range procs {
		cmd := startSuppressChild(t, fmt.Sprintf("add %s proc%d %d", path, p, each))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines+1)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				err := UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error {
					return l.Add(fmt.Sprintf("g%d-%d@example.com", g, i), "")
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for _, e := range old {
			if err := UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error { l.Remove(e); return nil }); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	list, err := OpenSuppressionList(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for p := range procs {
		for i := range each {
			want = append(want, fmt.Sprintf("proc%d-%d@example.com", p, i))
		}
	}
	for g := range goroutines {
		for i := range each {
			want = append(want, fmt.Sprintf("g%d-%d@example.com", g, i))
		}
	}
	lost := 0
	for _, e := range want {
		if _, ok := list.Match(e); !ok {
			lost++
		}
	}
	undone := 0
	for _, e := range old {
		if _, ok := list.Match(e); ok {
			undone++
		}
	}
	if lost > 0 || undone > 0 || len(list.Entries()) != len(want) {
		t.Errorf("%d of %d additions lost, %d of %d removals undone; %d entries", lost, len(want), undone, len(old), len(list.Entries()))
	}
	if files, _ := os.ReadDir(dir); len(files) != 1 {
		t.Errorf("the folder holds %d files, want only the list", len(files))
	}
}

// briefly is a context that gives up waiting for the list's lock at
// once, so a test can see that another writer holds it.
func briefly(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

// TestAChangeWaitsForAnotherProcessMidChange: while another process is in
// the middle of its change (it has read the list and removed an entry),
// no other change can read the list; once it has written, the next change
// reads its result. So the removal and a later addition both hold.
func TestAChangeWaitsForAnotherProcessMidChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "do-not-send.txt")
	add(t, path, "", "gone@example.com", "stays@example.com")
	cmd := startSuppressChild(t, "hold "+path+" gone@example.com")
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "changing\n" {
		t.Fatalf("child said %q, %v", line, err)
	}

	bounce := func(l *SuppressionList) error { return l.Add("bounced@example.com", "bounced") }
	err := UpdateSuppressionList(briefly(t), path, bounce)
	if !errors.Is(err, ErrSuppressionListBusy) {
		t.Fatalf("a change while another process changes the list: %v, want ErrSuppressionListBusy", err)
	}
	if text, ok := msg.TextOf(err); !ok || !strings.Contains(text.String(), "try again") {
		t.Errorf("busy error %q says nothing the user can do", err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := UpdateSuppressionList(context.Background(), path, bounce); err != nil {
		t.Fatal(err)
	}
	list, _ := OpenSuppressionList(path)
	var got []string
	for _, e := range list.Entries() {
		got = append(got, e.Value)
	}
	if strings.Join(got, " ") != "bounced@example.com stays@example.com" {
		t.Errorf("list %v, want the removal and the addition both kept", got)
	}
}

// TestAChangeWaitsForAGoroutineMidChange is the same inside one process:
// the window's do-not-send dialog and its mailbox check.
func TestAChangeWaitsForAGoroutineMidChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "do-not-send.txt")
	add(t, path, "", "gone@example.com", "stays@example.com")
	inside, finish := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error {
			l.Remove("gone@example.com")
			close(inside)
			<-finish
			return nil
		})
	}()
	<-inside
	bounce := func(l *SuppressionList) error { return l.Add("bounced@example.com", "bounced") }
	if err := UpdateSuppressionList(briefly(t), path, bounce); !errors.Is(err, ErrSuppressionListBusy) {
		t.Fatalf("a change while another goroutine changes the list: %v, want ErrSuppressionListBusy", err)
	}
	close(finish)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := UpdateSuppressionList(context.Background(), path, bounce); err != nil {
		t.Fatal(err)
	}
	list, _ := OpenSuppressionList(path)
	if len(list.Entries()) != 2 {
		t.Errorf("list %+v, want bounced and stays", list.Entries())
	}
	if _, ok := list.Match("gone@example.com"); ok {
		t.Error("the removal was undone")
	}
}
