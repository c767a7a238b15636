package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// suppressChildEnv makes the test binary a writer of the do-not-send
// list (see TestMain): "DIR PREFIX COUNT" adds COUNT entries.
const suppressChildEnv = "MAILROOM_TEST_SUPPRESS_CHILD"

// suppressChild adds count distinct entries, one change at a time, to
// the list in dir through its own store, as another Mailroom process
// (a headless `status --fetch`, a second window) does.
func suppressChild(spec string) error {
	f := strings.Fields(spec)
	if len(f) != 3 {
		return fmt.Errorf("bad %s %q", suppressChildEnv, spec)
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return err
	}
	s := newSuppressionStore(f[0])
	for i := range n {
		if err := s.Add(fmt.Sprintf("%s-%d@example.com", f[1], i)); err != nil {
			return err
		}
	}
	return nil
}

// TestSuppressionStoreKeepsEveryConcurrentChange: several writers of the
// one do-not-send list (goroutines with their own store, like the window's
// dialog and its mailbox check, and other processes) each add distinct
// entries while one removes entries present at the start; afterwards
// every addition is there and every removal holds. Before the list was
// changed under a file lock, two saves close together dropped one of them.
func TestSuppressionStoreKeepsEveryConcurrentChange(t *testing.T) {
	dir := t.TempDir()
	const goroutines, children, each, removals = 4, 3, 25, 25
	seed := newSuppressionStore(dir)
	var old []string
	for i := range removals {
		old = append(old, fmt.Sprintf("old-%d@example.com", i))
	}
	if err := seed.Add(old...); err != nil {
		t.Fatal(err)
	}

	var cmds []*exec.Cmd
	for c := range children {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s proc%d %d", suppressChildEnv, dir, c, each))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines+1)
	for g := range goroutines {
		wg.Go(func() {
			s := newSuppressionStore(dir)
			for i := range each {
				if err := s.Add(fmt.Sprintf("g%d-%d@example.com", g, i)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		s := newSuppressionStore(dir)
		for _, e := range old {
			if err := s.Remove(e); err != nil {
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

	got, err := newSuppressionStore(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range got {
		have[e] = true
	}
	var lost []string
	for g := range goroutines {
		for i := range each {
			if e := fmt.Sprintf("g%d-%d@example.com", g, i); !have[e] {
				lost = append(lost, e)
			}
		}
	}
	for c := range children {
		for i := range each {
			if e := fmt.Sprintf("proc%d-%d@example.com", c, i); !have[e] {
				lost = append(lost, e)
			}
		}
	}
	var back []string
	for _, e := range old {
		if have[e] {
			back = append(back, e)
		}
	}
	if len(lost) > 0 || len(back) > 0 {
		t.Errorf("%d additions lost, %d removals undone (first: %v %v)", len(lost), len(back), lost[:min(3, len(lost))], back[:min(3, len(back))])
	}
	if want := (goroutines + children) * each; len(got) != want {
		t.Errorf("list holds %d entries, want %d", len(got), want)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*")); len(leftovers) != 1 {
		t.Errorf("data folder holds %v, want only the list", leftovers)
	}
}

