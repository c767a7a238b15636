package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/sender/smtptest"
)

// TestEmptyListIsAnError: `check` and `send` on a list with a header and
// no rows, or whose rows are all filtered out, exit 2 and say why; nothing
// is sent.
func TestEmptyListIsAnError(t *testing.T) {
	server := smtptest.Start(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("body.txt", "Hello {{Name}}\n")
	headerOnly := write("header.csv", "Name,Email\n")
	allSent := write("sent.csv", "Name,Email,Status\nAnn,ann@example.com,sent\nBob,bob@example.com,sent\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"header only", []string{"--recipients", headerOnly}, "no recipients: the list has a header but no rows"},
		{"all filtered", []string{"--recipients", allSent, "--where", "Status != sent"}, "no recipients: all 2 rows were excluded by the filters"},
	}
	for _, tc := range tests {
		for _, cmd := range []string{"check", "send"} {
			t.Run(tc.name+"/"+cmd, func(t *testing.T) {
				args := append([]string{cmd, "--from", "Me <me@example.com>", "--subject", "Hi", "--body", "body.txt",
					"--smtp", "smtp+plain://" + server.Addr(), "--journal", filepath.Join(t.TempDir(), "j.db")}, tc.args...)
				r := runMailroom(t, dir, userEnv(t), args...)
				if r.Code != 2 {
					t.Errorf("exit %d, want 2\n%s%s", r.Code, r.Stdout, r.Stderr)
				}
				if out := r.Stdout + r.Stderr; !strings.Contains(out, "blocking: ") || !strings.Contains(out, tc.want) {
					t.Errorf("output lacks %q:\n%s", tc.want, out)
				}
				if n := server.Count(); n != 0 {
					t.Errorf("the server received %d messages", n)
				}
			})
		}
	}
}
