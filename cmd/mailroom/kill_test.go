package main

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"mailroom/sender/smtptest"
)

// killSwitch kills the running mailroom process from inside the SMTP
// server's fault hook, so the kill lands at an exact protocol moment.
type killSwitch struct {
	mu      sync.Mutex
	proc    *os.Process
	stage   smtptest.Stage
	message int // kill when the server sees this transaction number
	fired   bool
}

func (k *killSwitch) arm(p *os.Process, stage smtptest.Stage, message int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.proc, k.stage, k.message, k.fired = p, stage, message, false
}

// match is the smtptest rule hook; it never injects a fault itself.
func (k *killSwitch) match(e smtptest.Event) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.proc != nil && !k.fired && e.Stage == k.stage && e.Message >= k.message {
		k.fired = true
		_ = k.proc.Signal(syscall.SIGKILL)
	}
	return false
}

// TestKilledSendsResumeWithoutDoubles SIGKILLs `mailroom send --journal`
// at 20 random protocol moments of a 500-row campaign on two connections,
// reruns it each time, and proves from the server's own log that every row
// arrived exactly once, except rows reported unknown (at most one per
// connection per kill), which arrived at most once.
func TestKilledSendsResumeWithoutDoubles(t *testing.T) {
	const rows, kills, conns = 500, 20, 2
	ks := &killSwitch{}
	stages := []smtptest.Stage{smtptest.StageMail, smtptest.StageRcpt, smtptest.StageData, smtptest.StageDataEnd}
	var rules []smtptest.Rule
	for _, st := range stages {
		rules = append(rules, smtptest.Rule{Stage: st, Match: ks.match, Fault: smtptest.Reply(451, "4.3.0", "never injected: match only kills")})
	}
	srv := smtptest.Start(t, smtptest.WithRules(rules...), smtptest.WithoutBodies())

	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&list, "客户%d,c%03d@example.com\n", i, i)
	}
	for name, content := range map[string]string{"list.csv": list.String(), "body.txt": "您好 {{Name}}\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"send", "--recipients", "list.csv", "--from", "Shop <shop@example.com>", "--subject", "通知 {{Name}}",
		"--body", "body.txt", "--smtp", "smtp+plain://" + srv.Addr(), "--concurrency", fmt.Sprint(conns),
		"--journal", "run.journal", "--report", "report.csv"}
	env := userEnv(t)
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 2026))
	seed := rng.Uint64()
	t.Logf("kill schedule seed %d", seed)
	rng = rand.New(rand.NewPCG(seed, 1))

	killed := 0
	for killed < kills {
		cmd := exec.Command(mailroomBin, args...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		var out lockedBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stage := stages[rng.IntN(len(stages))]
		target := srv.Count() + 1 + rng.IntN(rows/kills)
		ks.arm(cmd.Process, stage, target)
		err := cmd.Wait()
		ks.arm(nil, 0, 0)
		if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			killed++
			continue
		}
		if err != nil && cmd.ProcessState.ExitCode() > 1 {
			t.Fatalf("run exited %d without being killed:\n%s", cmd.ProcessState.ExitCode(), out.String())
		}
		break // the campaign finished before the kill point
	}
	final := runMailroom(t, dir, env, args...)
	if final.Code != 0 && final.Code != 1 {
		t.Fatalf("final run exit %d:\n%s", final.Code, final.Stderr)
	}

	states := readReportStates(t, filepath.Join(dir, "report.csv"))
	if len(states) != rows {
		t.Fatalf("report has %d rows, want %d", len(states), rows)
	}
	unknown := 0
	for addr, state := range states {
		got := srv.CountTo(addr)
		switch state {
		case "sent":
			if got != 1 {
				t.Errorf("%s is sent in the journal but the server received it %d times", addr, got)
			}
		case "unknown":
			unknown++
			if got > 1 {
				t.Errorf("%s (unknown) was received %d times", addr, got)
			}
		default:
			t.Errorf("%s ended %q after the final run (server received it %d times)", addr, state, got)
		}
	}
	if unknown > killed*conns {
		t.Errorf("%d rows unknown after %d kills on %d connections: at most one per connection per kill", unknown, killed, conns)
	}
	if srv.Count() > rows {
		t.Errorf("server accepted %d messages for %d rows", srv.Count(), rows)
	}
	// Every unknown row is listed by the final summary, although most were
	// found by runs that were killed before they could print anything, and
	// by `mailroom status` (issue 9, part 5).
	wantListed := map[string]bool{}
	for addr, state := range states {
		if state == "unknown" {
			wantListed[addr] = true
		}
	}
	if got := listedDecisions(final.Stderr); !sameSet(got, wantListed) {
		t.Errorf("the final summary lists %d rows needing a decision, the journal has %d unknown:\n%s", len(got), unknown, final.Stderr)
	}
	st := runMailroom(t, dir, env, append([]string{"status"}, args[1:]...)...)
	wantCode := 0
	if unknown > 0 {
		wantCode = 1
	}
	if st.Code != wantCode || !sameSet(listedDecisions(st.Stdout), wantListed) ||
		!strings.Contains(st.Stdout, fmt.Sprintf("sent %d, failed 0, unknown %d, skipped 0", rows-unknown, unknown)) {
		t.Errorf("mailroom status: exit %d (want %d), output:\n%s%s", st.Code, wantCode, st.Stdout, st.Stderr)
	}
	t.Logf("%d kills, %d unknown rows, %d messages received", killed, unknown, srv.Count())
}

// listedDecisions returns the addresses of the "  row N, ADDRESS: reason"
// lines of a summary or of `mailroom status`.
func listedDecisions(out string) map[string]bool {
	got := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "  row ")
		if !ok {
			continue
		}
		_, after, ok := strings.Cut(rest, ", ")
		if addr, _, ok2 := strings.Cut(after, ": "); ok && ok2 {
			got[addr] = true
		}
	}
	return got
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// readReportStates maps each address of a --report CSV to its state.
func readReportStates(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	out := map[string]string{}
	for _, r := range records[1:] {
		out[r[col["Address"]]] = r[col["State"]]
	}
	return out
}
