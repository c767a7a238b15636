// Package campaign holds the saved unit of work — account, recipients,
// message and sending options — and runs it: preflight, then delivery
// through the sender engine with the journal as the record of truth.
package campaign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"mailroom/app/atomicfile"
	"mailroom/app/msg"
)

// FormatVersion is written into every campaign file; files with a newer
// version are refused instead of being half-understood.
const FormatVersion = 1

// Campaign is the campaign file (JSON). Every headless flag is a field, so
// `mailroom send CAMPAIGN.json` runs what the window saved, and flags
// override fields. Paths are stored relative to the campaign file's folder
// when they are inside it, so moving the folder keeps the campaign working.
type Campaign struct {
	Version int    `json:"version"`
	Name    string `json:"name,omitempty"`

	// Account: either the ID of a saved account, or an SMTP URL.
	Account string `json:"account,omitempty"`
	SMTP    string `json:"smtp,omitempty"`
	TLSCA   string `json:"tls_ca,omitempty"`

	Recipients string `json:"recipients,omitempty"`
	// RecipientLines are recipients typed or pasted instead of a file, one
	// line each as the user wrote them (recipients.OpenTyped reads them);
	// used when Recipients is empty.
	RecipientLines []string `json:"recipient_lines,omitempty"`
	Sheet          string   `json:"sheet,omitempty"`
	EmailColumn    string   `json:"email_column,omitempty"`
	HeaderRow      int      `json:"header_row,omitempty"`
	// MultiAddress says what a cell with several addresses becomes:
	// "split" (one message each, default) or "together" (one message).
	MultiAddress string `json:"multi_address,omitempty"`
	// Duplicates is "once" (default) or "keep".
	Duplicates string `json:"duplicates,omitempty"`
	// Rows limits the send to a range such as "10-200".
	Rows string `json:"rows,omitempty"`
	// Where holds column conditions such as "Status != sent".
	Where []string `json:"where,omitempty"`

	From string `json:"from,omitempty"`
	// ToName is the template of the recipient's name in To, e.g.
	// "{{姓名}}"; empty uses the list's name column (姓名, Name, First name
	// + Last name…) or the name written in the address cell.
	ToName string `json:"to_name,omitempty"`
	// NoToName sends to the bare address, without any name in To.
	NoToName bool   `json:"no_to_name,omitempty"`
	ReplyTo  string `json:"reply_to,omitempty"`
	CC       string `json:"cc,omitempty"`
	BCC      string `json:"bcc,omitempty"`
	Subject  string `json:"subject,omitempty"`
	// Body is the path of a .txt, .html or .md file.
	Body   string   `json:"body,omitempty"`
	Attach []string `json:"attach,omitempty"`

	// Marketing marks a campaign of promotional mail (newsletters, offers)
	// rather than notices to customers; it turns the unsubscribe link on
	// by default, as Gmail's and Yahoo's sender rules ask of bulk mail.
	Marketing bool `json:"marketing,omitempty"`
	// Unsubscribe adds the List-Unsubscribe header and the {{unsubscribe}}
	// field; nil follows Marketing.
	Unsubscribe *bool `json:"unsubscribe,omitempty"`
	// UnsubscribeMailto offers unsubscribing by mail to the account's own
	// address (the row's key in the subject); nil means yes.
	UnsubscribeMailto *bool `json:"unsubscribe_mailto,omitempty"`
	// UnsubscribeURL is an https address template for one-click
	// unsubscribe (RFC 8058), e.g. https://example.com/u?id={{客户编号}}.
	UnsubscribeURL string `json:"unsubscribe_url,omitempty"`
	AttachDir      string `json:"attach_dir,omitempty"`
	AttachColumn   string `json:"attach_column,omitempty"`

	Rate        string `json:"rate,omitempty"`
	DailyCap    int    `json:"daily_cap,omitempty"`
	Concurrency int    `json:"concurrency,omitempty"`
	Retries     *int   `json:"retries,omitempty"`
	SkipInvalid bool   `json:"skip_invalid,omitempty"`
	// Delay is a random pause between messages: "30-120" (seconds),
	// "30s-2m", or "0" for none; empty uses the account's suggestion
	// (QQ and NetEase presets suggest 30-120).
	Delay string `json:"delay,omitempty"`
	// Hours are the sending hours, e.g. "Mon-Fri 09:00-18:00", in the
	// computer's time zone; empty for any time.
	Hours string `json:"hours,omitempty"`
	// StartAt is when sending may start, "2026-03-02 09:00" in the
	// computer's time zone; empty for at once.
	StartAt string `json:"start_at,omitempty"`
	// ErrorSpike is how many messages in a row refused with the same reply
	// pause the run (the window) or stop it (the command line); nil for 5,
	// 0 for never.
	ErrorSpike *int `json:"error_spike,omitempty"`

	Journal string `json:"journal,omitempty"`
	Report  string `json:"report,omitempty"`
	DryRun  string `json:"dry_run,omitempty"`
	// Results is where the copy of the workbook with result columns goes.
	Results string `json:"results,omitempty"`
	// Archive is a folder keeping every sent message as .eml plus a
	// manifest, for audits.
	Archive string `json:"archive,omitempty"`

	// file is the absolute path the campaign was loaded from.
	file string
}

// ErrNewerFormat means the file was written by a newer Mailroom.
var ErrNewerFormat = errors.New("campaign file was written by a newer version of Mailroom")

// Load reads a campaign file and resolves its relative paths against the
// file's folder.
func Load(path string) (*Campaign, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, msg.Errorf(err, "campaign {{.File}}: {{.Reason}}", "File", path, "Reason", msg.Raw(err.Error()))
	}
	var c Campaign
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, msg.Errorf(err, "campaign {{.File}} is not a valid campaign file: {{.Reason}}", "File", path, "Reason", msg.Raw(err.Error()))
	}
	if c.Version > FormatVersion {
		return nil, msg.Errorf(ErrNewerFormat, "campaign {{.File}}: campaign file was written by a newer version of Mailroom (version {{.Version}}); update Mailroom", "File", path, "Version", c.Version)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	c.file = path
	c.resolvePaths(filepath.Dir(path), absolutePath)
	return &c, nil
}

// LoadAs reads the campaign saved at snapshot (the window's autosaved
// copy of what the user is editing) as the campaign whose file is
// identity: its journal history and the default location of its outputs
// are those of the user's file, not of the copy. An empty identity means
// the snapshot is the campaign itself.
func LoadAs(snapshot, identity string) (*Campaign, error) {
	c, err := Load(snapshot)
	if err != nil || identity == "" {
		return c, err
	}
	if abs, err := filepath.Abs(identity); err == nil {
		identity = abs
	}
	c.file = identity
	return c, nil
}

// File returns the absolute path the campaign was loaded from ("" for a
// campaign built from flags).
func (c *Campaign) File() string { return c.file }

// Save writes the campaign atomically, storing paths relative to the
// file's folder where they lie inside it. The JSON is meant to be read by
// people: non-ASCII text and "<" ">" "&" stay as typed ("财务部
// <billing@example.com>", not \u003c), and a file that already exists
// keeps its permissions.
func (c *Campaign) Save(path string) error {
	out := *c
	out.Version = FormatVersion
	out.Attach = append([]string(nil), c.Attach...)
	out.resolvePaths(filepath.Dir(path), relativePath)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("save campaign: %w", err)
	}
	return nil
}

func (c *Campaign) resolvePaths(base string, conv func(base, p string) string) {
	for _, p := range []*string{&c.TLSCA, &c.Recipients, &c.Body, &c.AttachDir, &c.Journal, &c.Report, &c.DryRun, &c.Results, &c.Archive} {
		*p = conv(base, *p)
	}
	for i := range c.Attach {
		c.Attach[i] = conv(base, c.Attach[i])
	}
}

func absolutePath(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

func relativePath(base, p string) string {
	if p == "" {
		return p
	}
	// A relative path in memory is relative to the working directory
	// (a flag typed in a shell); store it relative to the file instead.
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	absBase, err := filepath.Abs(base)
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(absBase, p)
	if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return p
	}
	return filepath.ToSlash(rel)
}

// Override copies into c every field of f whose flag was set on the
// command line; set holds flag names as the headless command spells them.
func (c *Campaign) Override(f *Campaign, set map[string]bool) {
	str := map[string][2]*string{
		"recipients": {&c.Recipients, &f.Recipients}, "sheet": {&c.Sheet, &f.Sheet},
		"email-column": {&c.EmailColumn, &f.EmailColumn}, "rows": {&c.Rows, &f.Rows},
		"duplicates": {&c.Duplicates, &f.Duplicates}, "multi-address": {&c.MultiAddress, &f.MultiAddress},
		"account": {&c.Account, &f.Account}, "from": {&c.From, &f.From}, "reply-to": {&c.ReplyTo, &f.ReplyTo},
		"to-name": {&c.ToName, &f.ToName}, "unsubscribe-url": {&c.UnsubscribeURL, &f.UnsubscribeURL},
		"cc": {&c.CC, &f.CC}, "bcc": {&c.BCC, &f.BCC}, "subject": {&c.Subject, &f.Subject},
		"body": {&c.Body, &f.Body}, "attach-dir": {&c.AttachDir, &f.AttachDir},
		"attach-column": {&c.AttachColumn, &f.AttachColumn}, "smtp": {&c.SMTP, &f.SMTP},
		"tls-ca": {&c.TLSCA, &f.TLSCA}, "dry-run": {&c.DryRun, &f.DryRun}, "rate": {&c.Rate, &f.Rate},
		"journal": {&c.Journal, &f.Journal}, "report": {&c.Report, &f.Report},
		"results": {&c.Results, &f.Results}, "archive": {&c.Archive, &f.Archive},
		"delay": {&c.Delay, &f.Delay}, "hours": {&c.Hours, &f.Hours}, "start-at": {&c.StartAt, &f.StartAt},
	}
	for name, p := range str {
		if set[name] {
			*p[0] = *p[1]
		}
	}
	if set["header-row"] {
		c.HeaderRow = f.HeaderRow
	}
	if set["to"] {
		c.RecipientLines = f.RecipientLines
		if !set["recipients"] {
			c.Recipients = ""
		}
	}
	if set["where"] {
		c.Where = f.Where
	}
	if set["attach"] {
		c.Attach = f.Attach
	}
	if set["daily-cap"] {
		c.DailyCap = f.DailyCap
	}
	if set["concurrency"] {
		c.Concurrency = f.Concurrency
	}
	if set["retries"] {
		c.Retries = f.Retries
	}
	if set["error-spike"] {
		c.ErrorSpike = f.ErrorSpike
	}
	if set["skip-invalid"] {
		c.SkipInvalid = f.SkipInvalid
	}
	if set["no-to-name"] {
		c.NoToName = f.NoToName
	}
	if set["marketing"] {
		c.Marketing = f.Marketing
	}
	if set["unsubscribe"] {
		c.Unsubscribe = f.Unsubscribe
	}
	if set["unsubscribe-mailto"] {
		c.UnsubscribeMailto = f.UnsubscribeMailto
	}
}
