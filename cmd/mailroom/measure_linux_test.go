package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// measured is one run of a child process with its peak resident memory.
type measured struct {
	result
	PeakRSS int64 // bytes
}

// measureRSS runs cmd and returns its output, exit code and peak resident
// set size. The kernel's figure for a child (ru_maxrss) also counts the
// memory of the process that started it: Go starts children with vfork,
// so until exec the child shares its parent's pages, and exec folds their
// high-water mark into the child's. A large test process would inflate
// every figure, so cmd is started by a small launcher — this binary, run
// again — which reports the rusage of its own child.
func measureRSS(tb testing.TB, cmd *exec.Cmd) measured {
	tb.Helper()
	report := filepath.Join(tb.TempDir(), "rss")
	spec, err := json.Marshal(append([]string{cmd.Path}, cmd.Args[1:]...))
	if err != nil {
		tb.Fatal(err)
	}
	launcher := exec.Command(os.Args[0], "-test.run=^$")
	launcher.Dir = cmd.Dir
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	launcher.Env = append(env, measureEnv+"="+string(spec), measureEnv+"_REPORT="+report)
	var out, errOut bytes.Buffer
	launcher.Stdout, launcher.Stderr = &out, &errOut
	err = launcher.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		tb.Fatalf("launch %s: %v", strings.Join(cmd.Args, " "), err)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		tb.Fatalf("%s: no measurement (%v)\n%s%s", strings.Join(cmd.Args, " "), err, out.String(), errOut.String())
	}
	rss, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return measured{result{launcher.ProcessState.ExitCode(), out.String(), errOut.String()}, rss}
}

// launchMeasured is the launcher: it runs the command measureEnv names
// with this process's output and environment, writes the child's peak
// RSS in bytes to the report file and exits with the child's code.
func launchMeasured() int {
	var argv []string
	if err := json.Unmarshal([]byte(os.Getenv(measureEnv)), &argv); err != nil || len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "launcher: bad command:", err)
		return 125
	}
	report := os.Getenv(measureEnv + "_REPORT")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, measureEnv) {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 125
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 125
	}
	if err := os.WriteFile(report, []byte(strconv.FormatInt(usage.Maxrss*1024, 10)), 0o600); err != nil {
		return 125
	}
	return cmd.ProcessState.ExitCode()
}
