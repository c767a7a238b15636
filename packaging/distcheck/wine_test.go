package distcheck

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailroom/app/identity"
)

// winePrefix is one throw-away Wine installation (about 700 MB, slow to
// create), shared by the tests of a run and removed by TestMain.
type winePrefix struct {
	dir     string
	display string
	env     []string
	user    string // the Windows user folder's name
}

var (
	wineOnce  sync.Once
	wine      *winePrefix
	wineErr   error
	wineClose []func()
)

// closeWine is called by TestMain after the tests.
func closeWine() {
	for i := len(wineClose) - 1; i >= 0; i-- {
		wineClose[i]()
	}
}

// getWine creates the prefix on first use: wineboot, then the test-only
// bcryptprimitives.dll stub (Wine 8 lacks it; Go's runtime needs it),
// built here with mingw-w64.
func getWine(t *testing.T) *winePrefix {
	t.Helper()
	wineOnce.Do(func() { wine, wineErr = newWine() })
	if wineErr != nil {
		t.Fatal(wineErr)
	}
	return wine
}

func newWine() (*winePrefix, error) {
	dir, err := os.MkdirTemp("", "mailroom-wine-")
	if err != nil {
		return nil, err
	}
	wineClose = append(wineClose, func() {
		if os.Getenv("MAILROOM_KEEP_WINE") != "" {
			fmt.Printf("Wine prefix kept: %s\n", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	display, stop, err := startXvfb()
	if err != nil {
		return nil, err
	}
	wineClose = append(wineClose, stop)
	w := &winePrefix{dir: dir, display: display, env: []string{
		"WINEPREFIX=" + dir, "WINEARCH=win64", "WINEDEBUG=" + cmp.Or(os.Getenv("MAILROOM_WINEDEBUG"), "-all"), "DISPLAY=" + display,
		// No Mono or Gecko download prompts: Mailroom needs neither.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
	}}
	begin := time.Now()
	if out, err := runErr(w.env, "wineboot", "-i"); err != nil {
		return nil, fmt.Errorf("wineboot: %v\n%s", err, out)
	}
	wineClose = append(wineClose, func() { _, _ = runErr(w.env, "wineserver", "-k") })
	if out, err := runErr(w.env, "wineserver", "-w"); err != nil {
		return nil, fmt.Errorf("wineserver -w: %v\n%s", err, out)
	}
	fmt.Printf("wine prefix created in %s\n", time.Since(begin).Round(time.Second))
	stub := filepath.Join(dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if out, err := runErr(nil, "x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", stub, "testdata/bcryptprimitives.c"); err != nil {
		return nil, fmt.Errorf("building the bcryptprimitives stub: %v\n%s", err, out)
	}
	users, err := os.ReadDir(filepath.Join(dir, "drive_c", "users"))
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.IsDir() && u.Name() != "Public" {
			w.user = u.Name()
		}
	}
	if w.user == "" {
		return nil, fmt.Errorf("no user folder in the Wine prefix")
	}
	return w, nil
}

// startXvfb starts a virtual X server on a free display (-displayfd) and
// waits until it accepts clients.
func startXvfb() (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1366x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	w.Close()
	// Xvfb writes the number and the newline separately, and dies if the
	// pipe is closed in between: read the whole line.
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	num := strings.TrimSpace(line)
	if err != nil || num == "" {
		stop()
		return "", nil, fmt.Errorf("Xvfb gave no display number: %q, %v", line, err)
	}
	display := ":" + num
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if _, err := runErr([]string{"DISPLAY=" + display}, "xdpyinfo"); err == nil {
			return display, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("Xvfb %s does not accept clients", display)
		}
	}
}

// path maps a Windows folder of the user to the Unix path in the prefix.
func (w *winePrefix) path(parts ...string) string {
	return filepath.Join(append([]string{w.dir, "drive_c", "users", w.user}, parts...)...)
}

func (w *winePrefix) run(t *testing.T, exe string, args ...string) string {
	t.Helper()
	return run(t, w.env, "wine", append([]string{exe}, args...)...)
}

func (w *winePrefix) regQuery(key, value string) (string, error) {
	return runErr(w.env, "wine", "reg", "query", key, "/v", value)
}

// TestWindowsInstallerUnderWine installs, upgrades, runs and uninstalls
// the NSIS installer silently, as a user without admin rights, and checks
// that the user's campaigns and keychain entries survive.
func TestWindowsInstallerUnderWine(t *testing.T) {
	needDist(t)
	setup := artefact(t, "-windows-amd64-setup.exe")
	w := getWine(t)
	installDir := w.path("AppData", "Local", "Programs", identity.Name)
	shortcut := w.path("AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", identity.Name+".lnk")
	uninstallKey := `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\` + identity.ID

	// What the user already has: a journal in the data folder and a
	// password in the Credential Manager, under the keychain service.
	journal := w.path("AppData", "Roaming", identity.ID, "data", "journal.db")
	if err := os.MkdirAll(filepath.Dir(journal), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(journal, []byte("the user's history"), 0o644); err != nil {
		t.Fatal(err)
	}
	credtool := filepath.Join(t.TempDir(), "credtool.exe")
	run(t, []string{"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0"}, "go", "build", "-o", credtool, "./testdata/credtool")
	w.run(t, credtool, "set", identity.ID, "acct-1", "s3cret")

	for round, what := range []string{"install", "upgrade in place"} {
		begin := time.Now()
		w.run(t, setup, "/S")
		t.Logf("%s: %s", what, time.Since(begin).Round(100*time.Millisecond))
		for _, f := range []string{"mailroom.exe", "uninstall.exe", "LICENSE.txt"} {
			if _, err := os.Stat(filepath.Join(installDir, f)); err != nil {
				t.Fatalf("after %s: %v", what, err)
			}
		}
		if _, err := os.Stat(shortcut); err != nil {
			t.Errorf("after %s, no Start-menu shortcut: %v", what, err)
		}
		out, err := w.regQuery(uninstallKey, "DisplayVersion")
		if err != nil || !strings.Contains(out, version) {
			t.Errorf("after %s, uninstall key DisplayVersion: %v\n%s", what, err, out)
		}
		if out, _ := w.regQuery(uninstallKey, "QuietUninstallString"); !strings.Contains(out, `uninstall.exe" /S`) {
			t.Errorf("QuietUninstallString: %s", out)
		}
		got := w.run(t, filepath.Join(installDir, "mailroom.exe"), "--version")
		if want := identity.Name + " " + version + " (commit " + commit; !strings.Contains(got, want) {
			t.Errorf("round %d: installed mailroom.exe --version = %q, want %q", round, got, want)
		}
	}

	p := start(t, w.env, "wine", filepath.Join(installDir, "mailroom.exe"))
	t.Logf("window: %s", waitWindow(t, w.display, identity.Name, 2*time.Minute, p))
	time.Sleep(3 * time.Second)
	screenshot(t, w.display, "windows-installed-window.png")
	p.stop()
	_, _ = runErr(w.env, "wineserver", "-w")

	begin := time.Now()
	w.run(t, filepath.Join(installDir, "uninstall.exe"), "/S")
	// The uninstaller relaunches itself from a temporary copy and returns
	// at once: wait for the copy to finish.
	for time.Since(begin) < 2*time.Minute {
		if _, err := os.Stat(installDir); os.IsNotExist(err) {
			break
		}
		time.Sleep(time.Second)
	}
	_, _ = runErr(w.env, "wineserver", "-w")
	t.Logf("uninstall: %s", time.Since(begin).Round(100*time.Millisecond))
	if _, err := os.Stat(installDir); !os.IsNotExist(err) {
		left, _ := os.ReadDir(installDir)
		t.Errorf("install folder left behind: %v %v", err, left)
	}
	if _, err := os.Stat(shortcut); !os.IsNotExist(err) {
		t.Errorf("Start-menu shortcut left behind: %v", err)
	}
	if out, err := w.regQuery(uninstallKey, "DisplayName"); err == nil {
		t.Errorf("uninstall key left behind:\n%s", out)
	}
	if data, err := os.ReadFile(journal); err != nil || string(data) != "the user's history" {
		t.Errorf("the user's journal did not survive the uninstall: %q, %v", data, err)
	}
	if got := w.run(t, credtool, "get", identity.ID, "acct-1"); got != "s3cret" {
		t.Errorf("the keychain entry did not survive the uninstall: %q", got)
	}
}

// TestWindowsScreenshot opens the Windows build's window under Wine and
// keeps a screenshot (make screenshots copies it to docs/screenshots).
func TestWindowsScreenshot(t *testing.T) {
	needDist(t)
	w := getWine(t)
	p := start(t, w.env, "wine", windowsExe(t))
	t.Logf("window: %s", waitWindow(t, w.display, identity.Name, 2*time.Minute, p))
	time.Sleep(5 * time.Second)
	screenshot(t, w.display, "windows-wine-window.png")
}
