package accounts

import (
	"fmt"
	"strings"

	"mailroom/app/msg"
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
	// Note is what the provider needs, shown next to the form; AuthHint
	// is shown when the login fails. Both are catalogue texts, so they
	// read in the user's language.
	Note     msg.Text
	AuthHint msg.Text
	// Secret is what the provider calls the secret the account logs in
	// with (a password, an app password, an authorisation code), which
	// labels the form's field; SecretHelp says where to get one.
	Secret     SecretKind
	SecretHelp msg.Text
	// OwnUsername says the provider hands out its own SMTP user names
	// (Amazon SES, relay services), so the From address is no default.
	OwnUsername bool
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

// SecretKind names the secret an account logs in with.
type SecretKind int

// The kinds of secret providers ask mail programs for.
const (
	SecretPassword     SecretKind = iota // the mailbox password
	SecretAppPassword                    // an app password (Gmail, Yahoo, iCloud)
	SecretAuthCode                       // an authorisation code, 授权码 (QQ, NetEase)
	SecretSMTPPassword                   // SMTP credentials from a console (Amazon SES)
)

// Label is the secret's name as the form's field shows it.
func (k SecretKind) Label() msg.Text {
	switch k {
	case SecretAppPassword:
		return msg.T("App password")
	case SecretAuthCode:
		return msg.T("Authorisation code")
	case SecretSMTPPassword:
		return msg.T("SMTP password")
	}
	return msg.T("Password")
}

// customPreset is the rules of a server set up by hand.
func customPreset() Preset {
	p, _ := PresetByID("custom")
	return p
}

// ApplyPreset switches the account to the preset with that ID ("" or an
// unknown ID is a server set up by hand). This is the one rule the window
// follows when the user picks a provider: everything the previous preset
// filled and the user left as it was (its server, its IMAP side with the
// copy to Sent, a user name that was only the From address) is withdrawn
// first, so no setting of the old provider stays behind the new choice,
// and then the new preset fills its own.
func ApplyPreset(a Account, id string) Account {
	next, ok := PresetByID(id)
	if !ok {
		next = customPreset()
	}
	if prev, ok := PresetByID(a.Preset); ok && prev.ID != next.ID {
		a = prev.withdraw(a)
	}
	return next.Apply(a)
}

// withdraw takes back what the preset filled into a and is still there.
func (p Preset) withdraw(a Account) Account {
	if p.Host != "" && (strings.EqualFold(strings.TrimSpace(a.Host), p.Host) || p.regionHost(a.Host)) {
		a.Host = ""
	}
	if p.IMAPHost != "" && strings.EqualFold(strings.TrimSpace(a.IMAP.Host), p.IMAPHost) {
		a.IMAP = IMAP{}
	}
	if a.Username != "" && a.Username == p.DefaultUsername(a) {
		a.Username = ""
	}
	return a
}

// regionHost reports whether host is the preset's host for some region.
func (p Preset) regionHost(host string) bool {
	before, after, ok := strings.Cut(p.RegionHost, "{region}")
	host = strings.ToLower(strings.TrimSpace(host))
	return ok && len(host) > len(before)+len(after) && strings.HasPrefix(host, before) && strings.HasSuffix(host, after)
}

// DefaultUsername is the user name the provider expects for the account
// when the user gives none: the From address, except where the provider
// hands out its own user names (Amazon SES, relays) or nobody logs in.
func (p Preset) DefaultUsername(a Account) string {
	if p.OwnUsername || a.Auth == AuthNone {
		return ""
	}
	return strings.TrimSpace(a.FromAddress)
}

// WithDefaults fills what the user left empty by the account's preset's
// rules (a server set up by hand follows the custom preset's): today the
// user name. Saving an account calls it, so every way of saving agrees.
func WithDefaults(a Account) Account {
	p, ok := PresetByID(a.Preset)
	if !ok {
		p = customPreset()
	}
	if strings.TrimSpace(a.Username) == "" {
		a.Username = p.DefaultUsername(a)
	}
	return a
}

// Apply fills the account's server, security, authentication and limits,
// and the IMAP server and copy-to-Sent default where the preset has them,
// from the preset and records the preset's ID. A sign-in with another
// provider is dropped; one with this provider is kept. Identity fields (name,
// addresses) are kept; an empty username becomes the preset's default
// (DefaultUsername). To switch an account from one preset to another, use
// ApplyPreset, which also withdraws what the old preset filled.
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
	if a.Username == "" {
		a.Username = p.DefaultUsername(a)
	}
	return a
}

// authHint returns the hint of the account's preset for a failed login, or
// a general one.
func authHint(presetID string) msg.Text {
	if p, ok := PresetByID(presetID); ok && !p.AuthHint.IsZero() {
		return p.AuthHint
	}
	return msg.T("Check the user name and password. Many providers need an app password or authorisation code instead of the login password.")
}

// SuggestedDelay is the random pause between messages the account's
// provider calls for ("30-120", seconds, as in Limits.Delay) and why, in
// the user's words; "" when it needs none.
func (a Account) SuggestedDelay() (string, msg.Text) {
	if a.Limits.Delay == "" {
		return "", msg.Text{}
	}
	switch a.Preset {
	case "qq", "exmail":
		return a.Limits.Delay, msg.T("Suggested for QQ Mail: it refuses accounts that send fast (“frequency limited”); desktop bulk senders pause 30–120 seconds between messages for free mailboxes.")
	case "163", "126", "yeah":
		return a.Limits.Delay, msg.T("Suggested for NetEase Mail: it refuses senders that send many messages in a short time; desktop bulk senders pause 30–120 seconds between messages for free mailboxes.")
	}
	return a.Limits.Delay, msg.T("Suggested by the account's settings.")
}

// PresetChanged gives an account the pause between messages its preset
// suggests when the preset is new to it (a new account, or another
// provider chosen in the form, whose Limits the form does not show in
// full); an account that keeps its preset keeps its own value.
func (a *Account) PresetChanged(previous string) {
	if a.Preset == previous {
		return
	}
	a.Limits.Delay = ""
	if p, ok := PresetByID(a.Preset); ok {
		a.Limits.Delay = p.Limits.Delay
	}
}
