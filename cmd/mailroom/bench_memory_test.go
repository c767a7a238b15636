//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mailroom/app/recipients/booktest"
	"mailroom/sender/smtptest"
)

var benchListDir = sync1(func() (string, error) { return os.MkdirTemp("", "mailroom-bench-lists-") })

// sync1 runs f once and remembers its result.
func sync1(f func() (string, error)) func() (string, error) {
	var (
		done bool
		v    string
		err  error
	)
	return func() (string, error) {
		if !done {
			v, err = f()
			done = true
		}
		return v, err
	}
}

// benchEnv points the user's folders into the benchmark.
func benchEnv(b *testing.B) []string {
	home := b.TempDir()
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_DATA_HOME=" + filepath.Join(home, ".local", "share")}
}

func benchList(b *testing.B, rows int) string {
	b.Helper()
	dir, err := benchListDir()
	if err != nil {
		b.Fatal(err)
	}
	path, err := booktest.CachedList(dir, rows)
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// memoryRun measures one kind of child process several times.
type memoryRun struct {
	name string
	cmd  func() *exec.Cmd
	want string // a line its output must hold
	// stopped allows exit code 3 (a send that stopped with rows left):
	// the memory of a run over every row is what is measured here, and
	// whether every outcome was recorded is the delivery tests' business.
	stopped bool
	rss     []int64
}

func (m *memoryRun) run(b *testing.B) {
	r := measureRSS(b, m.cmd())
	rss, out, code := r.PeakRSS, r.Stdout+r.Stderr, r.Code
	if code != 0 && !(m.stopped && code == 3) {
		b.Fatalf("%s: exit %d\n%s", m.name, code, out)
	}
	if code != 0 {
		b.Logf("%s: exit %d: %s", m.name, code, lastLine(out))
	}
	if !strings.Contains(out, m.want) {
		b.Fatalf("%s: output lacks %q:\n%s", m.name, m.want, out)
	}
	m.rss = append(m.rss, rss)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// median of the runs, in MB.
func (m *memoryRun) median() float64 {
	s := slices.Clone(m.rss)
	slices.Sort(s)
	return float64(s[len(s)/2]) / (1 << 20)
}

func mailroomCmd(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(mailroomBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

func bareCmd(list string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), bareLoopEnv+"="+list)
	return cmd
}

// BenchmarkCheckAndSendMemory100k measures the peak resident memory of
// `mailroom check` and `mailroom send` (to an in-process SMTP sink, with
// its journal) on a 100,000-row × 10-column list, and of a bare excelize
// Rows loop over the same file, each in a child process. Targets: check
// and send ≤ 1.2 × the bare loop. Each child runs rounds times,
// alternating, and the medians are compared (peak RSS varies a few per
// cent with when the collector runs).
func BenchmarkCheckAndSendMemory100k(b *testing.B) {
	if raceEnabled {
		b.Skip("memory is measured without the race detector")
	}
	const rows, rounds = 100_000, 3
	list := benchList(b, rows)
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.md"), []byte("您好 {{姓名}}，您的订单 {{订单}} 已发货。\n\n城市：{{城市}}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	sink := smtptest.Start(b, smtptest.WithoutBodies())
	env := benchEnv(b)
	common := []string{"--recipients", list, "--from", "Shop <shop@example.com>", "--subject", "{{姓名}}，订单 {{订单}}", "--body", "body.md"}
	bare := &memoryRun{name: "bare", cmd: func() *exec.Cmd { return bareCmd(list) }, want: strconv.Itoa(rows + 1)}
	check := &memoryRun{name: "check", cmd: func() *exec.Cmd {
		return mailroomCmd(dir, env, append([]string{"check", "--dry-run", filepath.Join(dir, "unused")}, common...)...)
	}, want: fmt.Sprintf("0 blocking, 0 warnings, %d rows", rows)}
	n := 0
	send := &memoryRun{name: "send", cmd: func() *exec.Cmd {
		n++
		return mailroomCmd(dir, env, append([]string{"send", "--smtp", "smtp+plain://" + sink.Addr(), "--concurrency", "4",
			"--journal", filepath.Join(dir, fmt.Sprintf("journal-%d.db", n))}, common...)...)
	}, want: "sent ", stopped: true}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for round := range rounds {
			runs := []*memoryRun{bare, check, send}
			if round%2 == 1 {
				slices.Reverse(runs)
			}
			for _, r := range runs {
				r.run(b)
			}
		}
	}
	b.StopTimer()
	// What the bare loop's binary takes to start and fail on a missing
	// file, next to what mailroom takes to start and check a 1-row list.
	b.ReportMetric(float64(measureRSS(b, bareCmd(filepath.Join(dir, "missing.xlsx"))).PeakRSS)/(1<<20), "bare-base-MB")
	if err := os.WriteFile(filepath.Join(dir, "one.csv"), []byte("姓名,Email\nAnn,ann@example.com\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(measureRSS(b, mailroomCmd(dir, env, "check", "--recipients", "one.csv", "--from", "shop@example.com",
		"--subject", "Hi", "--body", "body.md", "--dry-run", "unused")).PeakRSS)/(1<<20), "check-base-MB")
	b.ReportMetric(bare.median(), "bare-MB")
	b.ReportMetric(check.median(), "check-MB")
	b.ReportMetric(send.median(), "send-MB")
	b.ReportMetric(check.median()/bare.median(), "check-ratio")
	b.ReportMetric(send.median()/bare.median(), "send-ratio")
}

// BenchmarkCheckMemoryMaxRows checks a list at Excel's row limit
// (1,048,576 rows with the header). Target: within 1.5 GB. It takes
// minutes, so it runs only with MAILROOM_BENCH_MAXROWS=1.
func BenchmarkCheckMemoryMaxRows(b *testing.B) {
	if os.Getenv("MAILROOM_BENCH_MAXROWS") == "" {
		b.Skip("set MAILROOM_BENCH_MAXROWS=1 to check 1,048,576 rows")
	}
	if raceEnabled {
		b.Skip("memory is measured without the race detector")
	}
	rows := excelize.TotalRows - 1
	list := benchList(b, rows)
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("您好 {{姓名}}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	env := benchEnv(b)
	bare := &memoryRun{name: "bare", cmd: func() *exec.Cmd { return bareCmd(list) }, want: strconv.Itoa(rows + 1)}
	check := &memoryRun{name: "check", cmd: func() *exec.Cmd {
		return mailroomCmd(dir, env, "check", "--recipients", list, "--from", "shop@example.com", "--subject", "{{姓名}}",
			"--body", "body.txt", "--dry-run", filepath.Join(dir, "unused"))
	}, want: fmt.Sprintf("0 blocking, 0 warnings, %d rows", rows)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bare.run(b)
		check.run(b)
	}
	b.ReportMetric(bare.median(), "bare-MB")
	b.ReportMetric(check.median(), "check-MB")
}
