package accounts

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	cases := []struct {
		url      string
		security Security
		host     string
		port     int
		user     string
		auth     AuthMethod
		id       string
		preset   string
	}{
		{"smtp://me@mail.example.com", SecuritySTARTTLS, "mail.example.com", 587, "me", AuthAuto, "me@mail.example.com", ""},
		{"smtps://me@mail.example.com", SecurityTLS, "mail.example.com", 465, "me", AuthAuto, "me@mail.example.com", ""},
		{"smtps://user%40qq.com@smtp.qq.com", SecurityTLS, "smtp.qq.com", 465, "user@qq.com", AuthAuto, "user@qq.com@smtp.qq.com", "qq"},
		{"smtp://Mail.Example.COM:2525", SecuritySTARTTLS, "mail.example.com", 2525, "", AuthNone, "mail.example.com", ""},
		{"smtp+plain://127.0.0.1:1025", SecurityNone, "127.0.0.1", 1025, "", AuthNone, "127.0.0.1", ""},
		{"smtp+plain://tester@localhost:1025", SecurityNone, "localhost", 1025, "tester", AuthAuto, "tester@localhost", ""},
		{"smtp+plain://relay.internal", SecurityNone, "relay.internal", 25, "", AuthNone, "relay.internal", ""},
		{"smtps://u@[::1]:4650/", SecurityTLS, "::1", 4650, "u", AuthAuto, "u@::1", ""},
	}
	for _, c := range cases {
		a, err := ParseSMTPURL(c.url)
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if a.Security != c.security || a.Host != c.host || a.Port != c.port || a.Username != c.user || a.Auth != c.auth || a.ID != c.id || a.Preset != c.preset {
			t.Errorf("%s: got %+v", c.url, a)
		}
	}
}

func TestParseSMTPURLRefuses(t *testing.T) {
	cases := map[string]string{
		"smtp+plain://me@mail.example.com:25": "unencrypted",
		"smtps://me:hunter2@smtp.qq.com":      "must not contain a password",
		"http://mail.example.com":             "must start with smtp://",
		"smtps://":                            "no server name",
		"smtps://me@mail.example.com:99999":   "port 99999",
		"smtps://me@mail.example.com/inbox":   "without a path",
		"smtps://me@mail.example.com?tls=off": "without a path",
		"smtp:mail.example.com":               "two slashes",
	}
	for url, words := range cases {
		_, err := ParseSMTPURL(url)
		if !errors.Is(err, ErrInvalidURL) || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want an ErrInvalidURL mentioning %q", url, err, words)
		}
		if strings.Contains(errString(err), "hunter2") {
			t.Errorf("%s: the error repeats the password: %v", url, err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
