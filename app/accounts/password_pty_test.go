//go:build linux

package accounts

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the controlling and terminal ends of a new
// pseudo-terminal, so the prompt is tested on a real terminal.
func openPTY(t *testing.T) (controller, terminal *os.File) {
	t.Helper()
	controller, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("no pseudo-terminals here:", err)
	}
	fd := int(controller.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { terminal.Close(); controller.Close() })
	return controller, terminal
}

func TestResolvePasswordPromptsWithoutEcho(t *testing.T) {
	controller, terminal := openPTY(t)
	a, _ := ParseSMTPURL("smtps://user%40163.com@smtp.163.com")
	const typed = "typed-授权码"

	go func() {
		// Type once echo is off, as a person would after the prompt; give
		// up waiting after a while so a prompt that echoes fails instead
		// of hanging.
		for range 400 {
			tio, err := unix.IoctlGetTermios(int(terminal.Fd()), unix.TCGETS)
			if err != nil || tio.Lflag&unix.ECHO == 0 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		_, _ = controller.Write([]byte(typed + "\n"))
	}()

	var out bytes.Buffer
	pw, src, err := ResolvePassword(a, NewSessionSecrets(), WithEnvLookup(noEnv), WithTerminal(terminal, &out))
	if err != nil || pw != typed || src != PasswordFromPrompt {
		t.Fatalf("got %q, %v, %v", pw, src, err)
	}
	if !strings.Contains(out.String(), "Password for user@163.com on smtp.163.com") {
		t.Fatalf("prompt %q", out.String())
	}
	tio, err := unix.IoctlGetTermios(int(terminal.Fd()), unix.TCGETS)
	if err != nil || tio.Lflag&unix.ECHO == 0 {
		t.Fatalf("echo not restored after the prompt: %v", err)
	}
	// Echo is back on, so a marker typed now comes back; everything the
	// terminal showed before it must not include the password.
	if _, err := controller.Write([]byte("END\n")); err != nil {
		t.Fatal(err)
	}
	var shown []byte
	buf := make([]byte, 256)
	for !bytes.Contains(shown, []byte("END")) {
		n, err := controller.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		shown = append(shown, buf[:n]...)
	}
	if bytes.Contains(shown, []byte(typed)) {
		t.Fatalf("the password was echoed: %q", shown)
	}
}
