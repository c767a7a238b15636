package accounts

import (
	"strings"

	"mailroom/app/msg"
)

// SentFiling says whether a provider puts a message sent through its SMTP
// server into the mailbox's Sent folder by itself. Each preset states it,
// with its source, in presets.go.
type SentFiling int

// What a provider does with the messages sent through its SMTP server.
const (
	// SentNotFiled: the provider is not known to keep a copy, so the mail
	// program must APPEND one (what Thunderbird does by default). Copying
	// is on by default once IMAP is set up.
	SentNotFiled SentFiling = iota
	// SentMaybeFiled: reported by other mail programs but not documented
	// by the provider. Copying is offered, off by default, and the note
	// asks the user to send a test first.
	SentMaybeFiled
	// SentFiledByServer: the provider documents that it files every
	// message sent through its SMTP server in Sent. An APPEND would show
	// each message twice, so Mailroom never offers one.
	SentFiledByServer
)

// SentCopy is the rule for one account's copy into the Sent folder: what
// the window offers, what it starts with, and why.
type SentCopy struct {
	// Offered is false where the provider files its own copy: the window
	// shows Note instead of the switch, and CopiesToSent is always false.
	Offered bool
	// Default is the switch's starting state once an IMAP server is set.
	Default bool
	// Note explains the rule in the user's words; zero when there is
	// nothing to say beyond the switch itself.
	Note msg.Text
}

// SentCopyFor returns the copy-to-Sent rule of an account: its preset's, or,
// for an account set up by hand, that of the preset whose SMTP server it
// uses (a Google Workspace or Microsoft 365 mailbox on a company domain is
// often typed in by hand and still submits through smtp.gmail.com or
// smtp.office365.com, whose Sent filing is the same).
func SentCopyFor(a Account) SentCopy {
	p, ok := PresetByID(a.Preset)
	if !ok || p.Host == "" || !strings.EqualFold(p.Host, a.Host) {
		if byHost, found := presetByHost(a.Host); found {
			p, ok = byHost, true
		}
	}
	if !ok {
		return SentCopy{Offered: true, Default: true,
			Note: msg.T("Mailroom puts a copy of each message it sends into your Sent folder. If your mail program then shows every message twice, your server already keeps one: turn this off.")}
	}
	return p.sentCopy()
}

// sentCopy is the preset's rule.
func (p Preset) sentCopy() SentCopy {
	switch p.SentFiling {
	case SentFiledByServer:
		return SentCopy{Offered: false, Default: false,
			Note: msg.T("{{.Provider}} already puts every message sent through its SMTP server into your Sent folder, so Mailroom does not copy it there: a second copy would show each message twice.", "Provider", p.Name)}
	case SentMaybeFiled:
		return SentCopy{Offered: true, Default: false,
			Note: msg.T("Off: this provider may already keep its own copy of messages sent through its SMTP server. Send yourself a test first; if it does not appear in your Sent folder, turn this on.")}
	}
	return SentCopy{Offered: true, Default: p.IMAPHost != "",
		Note: msg.T("On: as far as we know, this provider does not put messages sent by mail programs into your Sent folder by itself. If your Sent folder shows every message twice, turn this off.")}
}

// CopyToSentDefault is the switch's starting state for a new account made
// from the preset.
func (p Preset) CopyToSentDefault() bool {
	return p.sentCopy().Default
}

// presetByHost finds the preset whose SMTP server is host.
func presetByHost(host string) (Preset, bool) {
	host = strings.TrimSpace(host)
	if host == "" {
		return Preset{}, false
	}
	for _, p := range presetTable {
		if p.Host != "" && strings.EqualFold(p.Host, host) {
			return p, true
		}
	}
	return Preset{}, false
}
