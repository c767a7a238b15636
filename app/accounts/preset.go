package accounts

import (
	"fmt"
	"strings"
)

// Preset is what Mailroom knows about one mail provider: the server
// settings that fill a new account, the provider's published limits, and
// what to tell the user when the login fails. The table is in presets.go.
type Preset struct {
	ID     string // stable identifier stored in Account.Preset
	Name   string
	NameZH string
	// Domains are the address domains that belong to the provider, used to
	// guess the preset from the From address.
	Domains  []string
	Host     string
	Port     int
	Security Security
	Auth     AuthMethod
	Limits   Limits
	// RegionHost, when set, is a host name pattern with "{region}" in it
	// (Amazon SES); Host is the pattern filled with a default region.
	RegionHost string
	// IMAPHost, IMAPPort and IMAPSecurity fill Account.IMAP, for copies in
	// the Sent folder; empty where the provider offers no mailbox.
	IMAPHost     string
	IMAPPort     int
	IMAPSecurity Security
	// SentFiling says whether the provider files messages sent through
	// its SMTP server in Sent itself; it decides whether Mailroom offers
	// its own copy and whether that starts on (see SentCopyFor).
	SentFiling SentFiling
	Note       string // what the provider needs, shown next to the form
	NoteZH     string
	AuthHint   string // shown when the login fails
	AuthHintZH string
	// OAuth is the provider whose sign-in the account form offers
	// (OAuthGoogle, OAuthMicrosoft); empty where the provider has none.
	OAuth string
}

// Presets returns every preset in display order. The slice is a copy.
func Presets() []Preset {
	out := make([]Preset, len(presetTable))
	copy(out, presetTable)
	for i := range out {
		out[i].Domains = append([]string(nil), out[i].Domains...)
	}
	return out
}

// PresetByID returns the preset with that ID.
func PresetByID(id string) (Preset, bool) {
	for _, p := range presetTable {
		if p.ID == id {
			return p, true
		}
	}
	return Preset{}, false
}

// GuessPreset returns the preset whose provider hosts the address's domain
// ("someone@qq.com" → QQ Mail). Company domains hosted by Google Workspace,
// Microsoft 365 or Tencent Exmail cannot be told from the address alone.
func GuessPreset(address string) (Preset, bool) {
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return Preset{}, false
	}
	domain := strings.ToLower(strings.TrimSpace(strings.TrimRight(address[at+1:], ">")))
	for _, p := range presetTable {
		for _, d := range p.Domains {
			if d == domain {
				return p, true
			}
		}
	}
	return Preset{}, false
}

// WithRegion returns the preset with its host set for the given region,
// e.g. "eu-west-1" for Amazon SES. Presets without regions refuse.
func (p Preset) WithRegion(region string) (Preset, error) {
	if p.RegionHost == "" {
		return p, fmt.Errorf("%s has no regions", p.Name)
	}
	region = strings.ToLower(strings.TrimSpace(region))
	if region == "" || strings.Trim(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return p, fmt.Errorf("%q is not a region name such as us-east-1 or eu-west-1", region)
	}
	p.Host = strings.ReplaceAll(p.RegionHost, "{region}", region)
	return p, nil
}

// Apply fills the account's server, security, authentication and limits,
// and the IMAP server and copy-to-Sent default where the preset has them,
// from the preset and records the preset's ID. A sign-in with another
// provider is dropped; one with this provider is kept. Identity fields (name,
// addresses) are kept; an empty username becomes the From address, which is
// what every listed provider expects (except Amazon SES, whose SMTP
// username the user pastes in).
func (p Preset) Apply(a Account) Account {
	if p.Host != "" {
		a.Host = p.Host
	}
	a.Port = p.Port
	a.Security = p.Security
	a.Auth = p.Auth
	a.Limits = p.Limits
	a.Preset = p.ID
	if p.IMAPHost != "" {
		a.IMAP.Host, a.IMAP.Port, a.IMAP.Security = p.IMAPHost, p.IMAPPort, p.IMAPSecurity
		a.IMAP.CopyToSent = p.CopyToSentDefault()
	}
	if a.OAuth.Provider != "" && a.OAuth.Provider != p.OAuth {
		a.OAuth = OAuth{} // the sign-in belonged to another provider
	}
	if a.SignsInWithOAuth() {
		a.Auth = AuthXOAUTH2
	}
	if a.Username == "" && a.Auth != AuthNone && p.ID != "ses" {
		a.Username = a.FromAddress
	}
	return a
}

// authHint returns the hint of the account's preset for a failed login, in
// English and Chinese, or a general one.
func authHint(presetID string) string {
	if p, ok := PresetByID(presetID); ok && p.AuthHint != "" {
		return p.AuthHint + " / " + p.AuthHintZH
	}
	return "Check the username and password. Many providers need an app password or authorisation code instead of the login password. / 请检查用户名和密码;许多邮箱需要使用应用专用密码或授权码,而不是登录密码。"
}
