package accounts

import (
	"net/url"
	"strconv"
	"strings"
)

// ParseSMTPURL turns the headless command's --smtp value into an account:
//
//	smtp://[user@]host[:port]        STARTTLS required, default port 587
//	smtps://[user@]host[:port]       implicit TLS, default port 465
//	smtp+plain://[user@]host[:port]  no TLS, default port 25; with a user
//	                                 only to this computer (loopback)
//
// The user may be percent-encoded (user%40qq.com@smtp.qq.com). A password
// in the URL is refused: it would end up in shell history and process
// lists. The account's ID is "user@host" (or "host"), the name its password
// is looked up under in the keychain; FromAddress is left for --from. When
// the host is a known provider's, the preset's limits and login hint apply.
// Add a private CA with ReadCAFile (--tls-ca).
func ParseSMTPURL(raw string) (Account, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Account{}, &URLError{URL: raw, Problem: "is not a URL; expected smtp://user@host:port, smtps://user@host:port or smtp+plain://host:port"}
	}
	shown := u.Redacted()
	fail := func(problem string) (Account, error) {
		return Account{}, &URLError{URL: shown, Problem: problem}
	}
	var a Account
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		a.Security, a.Port = SecuritySTARTTLS, 587
	case "smtps":
		a.Security, a.Port = SecurityTLS, 465
	case "smtp+plain":
		a.Security, a.Port = SecurityNone, 25
	default:
		return fail("must start with smtp:// (STARTTLS), smtps:// (SSL/TLS) or smtp+plain:// (no encryption)")
	}
	if u.Opaque != "" {
		return fail("needs two slashes after the scheme, e.g. smtps://user@smtp.example.com")
	}
	if _, has := u.User.Password(); has {
		return fail("must not contain a password: set MAILROOM_PASSWORD, save it in the system keychain, or type it when asked")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fail("must be only scheme://user@host:port, without a path or ?options")
	}
	a.Host = u.Hostname()
	if a.Host == "" {
		return fail("has no server name, e.g. smtps://user@smtp.example.com")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fail("has port " + p + "; a port is a number from 1 to 65535")
		}
		a.Port = n
	}
	a.Auth = AuthNone
	if u.User != nil && u.User.Username() != "" {
		a.Username = u.User.Username()
		a.Auth = AuthAuto
	}
	if a.Security == SecurityNone && a.Auth != AuthNone && !IsLoopback(a.Host) {
		return fail("would send your password unencrypted to " + a.Host + "; smtp+plain:// may log in only to this computer (localhost). Use smtps:// (port 465) or smtp:// (STARTTLS, port 587)")
	}
	host := strings.ToLower(a.Host)
	a.Host = host
	a.ID = host
	if a.Username != "" {
		a.ID = a.Username + "@" + host
	}
	a.DisplayName = a.ID
	for _, p := range presetTable {
		if p.Host != "" && p.Host == host {
			a.Preset, a.Limits = p.ID, p.Limits
			break
		}
	}
	return a, nil
}
