package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/sender/smtptest"
)

// TestBadInputIsExplainedAndNothingIsSent runs `mailroom send` on each
// kind of bad input a user produces and checks the exit code, that the
// message names the file, row and column (or what to fix), and that the
// server received nothing.
func TestBadInputIsExplainedAndNothingIsSent(t *testing.T) {
	plain := smtptest.Start(t)
	tlsServer := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth("me@example.com", "right"))
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "Name,Email,File\nAnn,ann@example.com,a.pdf\n")
	write("body.txt", "Hello {{Name}}\n")
	base := func(recipients string, extra ...string) []string {
		return append([]string{"send", "--recipients", recipients, "--from", "Me <me@example.com>",
			"--subject", "Hi {{Name}}", "--body", "body.txt", "--smtp", "smtp+plain://" + plain.Addr()}, extra...)
	}
	tests := []struct {
		name string
		args []string
		env  []string
		code int
		want []string
	}{
		{"missing recipients file", base("nope.xlsx"), nil, 2, []string{"nope.xlsx", "does not exist"}},
		{"no email column", base(write("noemail.csv", "Name,Phone\nAnn,123\n")), nil, 2, []string{"noemail.csv", "no column holds email addresses", "--email-column"}},
		{"invalid address", base(write("bad.csv", "Name,Email\nAnn,ann@example.com\nBob,bob@@example.com\n")), nil, 2,
			[]string{`bad.csv, row 3, column "Email"`, "bob@@example.com", "nothing was sent"}},
		{"unknown merge field", append(base(good), "--subject", "Hi {{Nmae}}"), nil, 2, []string{"Nmae", "Name"}},
		{"missing attachment", append(base(good), "--attach-dir", dir, "--attach-column", "File"), nil, 2, []string{"row 2", `"File"`, "a.pdf"}},
		{"missing shared attachment", append(base(good), "--attach", "terms.pdf"), nil, 2, []string{"terms.pdf"}},
		{"unreachable server", append(base(good), "--smtp", "smtp+plain://127.0.0.1:1", "--retries", "0"), nil, 2, []string{"127.0.0.1 refused the connection on port 1", "nothing was sent"}},
		{"TLS verification failure", append(base(good), "--smtp", "smtp://me%40example.com@"+tlsServer.Addr(), "--retries", "0"), []string{"MAILROOM_PASSWORD=right"}, 2,
			[]string{"certificate", "nothing was sent"}},
		{"wrong password", append(base(good), "--smtp", "smtp://me%40example.com@"+tlsServer.Addr(), "--tls-ca", tlsServer.CAFile()), []string{"MAILROOM_PASSWORD=wrong"}, 2,
			[]string{"535", "nothing was sent"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := append(userEnv(t), tc.env...)
			args := append(tc.args, "--journal", filepath.Join(t.TempDir(), "j.db"))
			r := runMailroom(t, dir, env, args...)
			if r.Code != tc.code {
				t.Errorf("exit code %d, want %d\nstderr:\n%s", r.Code, tc.code, r.Stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
				}
			}
			if strings.Contains(r.Stderr, "goroutine ") || strings.Contains(r.Stderr, "panic") {
				t.Errorf("stack trace shown to the user:\n%s", r.Stderr)
			}
			if n := plain.Count() + tlsServer.Count(); n != 0 {
				t.Errorf("the server received %d messages", n)
			}
		})
	}
}
