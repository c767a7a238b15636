// Package distcheck checks the packages `make dist` built, the way users
// meet them: the .deb installed and its window opened, the Windows
// installer run under Wine, both builds repeated byte for byte. It runs
// only from `make dist-check` (MAILROOM_DIST names the dist folder); under
// plain `go test ./...` every test skips. docs/packaging.md lists what is
// checked and why.
package distcheck

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailroom/app/identity"
)

// dist is the folder make dist wrote; version and commit are the ones it
// built with (the Makefile exports them).
var dist, version, commit string

func TestMain(m *testing.M) {
	dist = os.Getenv("MAILROOM_DIST")
	version = os.Getenv("VERSION")
	commit = os.Getenv("COMMIT")
	if version == "" {
		version = identity.Version
	}
	code := m.Run()
	closeWine()
	os.Exit(code)
}

// needDist skips unless make dist-check runs the test.
func needDist(t *testing.T) {
	t.Helper()
	if dist == "" {
		t.Skip("run through `make dist-check` (MAILROOM_DIST names the packages to check)")
	}
}

func artefact(t *testing.T, suffix string) string {
	t.Helper()
	p := filepath.Join(dist, identity.Name+"-"+version+suffix)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("make dist did not build %s: %v", p, err)
	}
	return p
}

// run runs a command and returns its combined output; it fails the test
// with that output when the command fails.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	out, err := runErr(env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// xvfb starts a virtual X server on a free display for one test.
func xvfb(t *testing.T) string {
	t.Helper()
	display, stop, err := startXvfb()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return display
}

// waitWindow waits until a top-level window whose name contains title
// ("Untitled campaign — Mailroom") is on display and returns xwininfo's
// line for it.
func waitWindow(t *testing.T, display, title string, timeout time.Duration, p *proc) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("the program exited before its window appeared: %v\n%s", p.err, p.out.String())
		default:
		}
		out, _ := runErr([]string{"DISPLAY=" + display}, "xwininfo", "-root", "-tree")
		for _, line := range strings.Split(out, "\n") {
			_, rest, ok := strings.Cut(line, `"`)
			name, _, _ := strings.Cut(rest, `"`)
			if ok && strings.Contains(name, title) && !strings.Contains(line, " 1x1+") {
				return strings.TrimSpace(line)
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	out, _ := runErr([]string{"DISPLAY=" + display}, "xwininfo", "-root", "-tree")
	t.Fatalf("no window %q on %s after %s; windows:\n%s", title, display, timeout, out)
	return ""
}

// screenshot saves the whole screen of display as a PNG in
// dist/screenshots (and in MAILROOM_SCREENSHOTS, for make screenshots).
func screenshot(t *testing.T, display, name string) string {
	t.Helper()
	dir := filepath.Join(dist, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	run(t, []string{"DISPLAY=" + display}, "import", "-window", "root", path)
	if keep := os.Getenv("MAILROOM_SCREENSHOTS"); keep != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(keep, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot: %s", path)
	return path
}

// proc is a long-running program started by start.
type proc struct {
	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{} // closed when it has exited; err is then set
	err  error
}

// start starts a long-running program; it is killed when the test ends.
func start(t *testing.T, env []string, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(name, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	return p
}

// sessionBus starts a private D-Bus session bus for a window under test,
// as every desktop session has one, and stops it when the test ends.
// Without it, a program that looks for the session bus (the keychain)
// finds none and dbus-launch autostarts a bus that outlives the test:
// each run left one dbus-daemon behind, until the machine ran out of
// inotify instances and Fyne could no longer watch its settings file.
func sessionBus(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(addr, ":") {
		t.Fatalf("dbus-daemon gave no address: %q, %v", addr, err)
	}
	return strings.TrimSpace(addr)
}

// stop kills the program and waits for it.
func (p *proc) stop() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

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

// sudo prefixes a command with sudo unless the test runs as root.
func sudo(name string, args ...string) (string, []string) {
	if os.Geteuid() == 0 {
		return name, args
	}
	return "sudo", append([]string{name}, args...)
}
