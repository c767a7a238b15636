package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// mailpit is a real mail server (github.com/axllent/mailpit) started on
// loopback for end-to-end tests; `make test` builds it and sets MAILPIT_BIN.
type mailpit struct {
	SMTPAddr string
	apiBase  string
}

// startMailpit runs mailpit with STARTTLS (certificate signed by the test CA)
// and AUTH accepting only the given user and password. Without MAILPIT_BIN
// the test is skipped: `make test` always sets it, so CI never skips.
func startMailpit(t *testing.T, certPEM, keyPEM []byte, user, password string) *mailpit {
	t.Helper()
	bin := os.Getenv("MAILPIT_BIN")
	if bin == "" {
		t.Skip("MAILPIT_BIN not set: run through `make test`, which builds mailpit")
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	smtpAddr, httpAddr := freeLoopbackAddr(t), freeLoopbackAddr(t)
	cmd := exec.Command(bin,
		"--smtp", smtpAddr, "--listen", httpAddr,
		"--database", filepath.Join(dir, "mailpit.db"),
		"--smtp-tls-cert", write("cert.pem", certPEM),
		"--smtp-tls-key", write("key.pem", keyPEM),
		"--smtp-require-starttls",
		"--smtp-auth-file", write("auth", []byte(user+":"+password+"\n")),
		"--smtp-disable-rdns", "--disable-version-check", "--quiet",
		"--max", "0",
	)
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("mailpit output:\n%s", logs.String())
		}
	})
	m := &mailpit{SMTPAddr: smtpAddr, apiBase: "http://" + httpAddr + "/api/v1"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		if _, err := m.get(ctx, "/info"); err == nil {
			if c, err := net.Dial("tcp", smtpAddr); err == nil {
				c.Close()
				return m
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("mailpit did not start: %s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (m *mailpit) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.apiBase+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body, err
}

// arrivedMessage is the part of mailpit's message summary the tests check.
type arrivedMessage struct {
	ID      string `json:"ID"`
	Subject string `json:"Subject"`
	From    struct {
		Name    string `json:"Name"`
		Address string `json:"Address"`
	} `json:"From"`
	To []struct {
		Name    string `json:"Name"`
		Address string `json:"Address"`
	} `json:"To"`
	Cc  []json.RawMessage `json:"Cc"`
	Bcc []json.RawMessage `json:"Bcc"`
}

// Messages lists everything mailpit received.
func (m *mailpit) Messages(t *testing.T) []arrivedMessage {
	t.Helper()
	body, err := m.get(context.Background(), "/messages?limit=100000")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Messages []arrivedMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	return list.Messages
}

// Raw returns a message exactly as it arrived.
func (m *mailpit) Raw(t *testing.T, id string) []byte {
	t.Helper()
	body, err := m.get(context.Background(), "/message/"+id+"/raw")
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
