package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mailroom/app/atomicfile"
	"mailroom/app/campaign"
)

// Body formats, named as the merge package renders them.
const (
	formatText     = "text"
	formatHTML     = "html"
	formatMarkdown = "markdown"
)

// document is the campaign being edited, shared by all views. It lives on
// the UI goroutine only. The campaign file stores the body as a path, so
// the body text is kept alongside and written next to the campaign.
//
// Two files hold it: the user's file (path), written only when the user
// saves, and the draft (draftPath) in the app's storage, which autosave
// keeps up to date so that nothing typed is lost. Until the user names the
// campaign the draft is the campaign, and its path is the campaign's
// identity in the journal.
type document struct {
	c          campaign.Campaign
	path       string // the user's file; "" until the user names it
	draftPath  string // the autosaved copy in the app's storage
	dirty      bool   // changed since it was opened or saved
	bodyText   string
	bodyFormat string
	list       *RecipientList

	replaced    []func() // a new campaign was opened
	listChanged []func() // the recipient list was (re)imported
	edited      func()   // any field changed; drives autosave and the title
	editHooks   []func() // views following every change (the preview)
	// persist writes the draft now when there are unsaved changes and
	// returns the file backends read and the campaign's own file; set by
	// the main window so that backends read what the user sees.
	persist func() (snapshot, file string)
}

func newDocument() *document {
	return &document{c: campaign.Campaign{Version: campaign.FormatVersion}, bodyFormat: formatMarkdown}
}

// onReplaced registers f to run after new or open.
func (d *document) onReplaced(f func()) { d.replaced = append(d.replaced, f) }

// onList registers f to run after the recipient list changed.
func (d *document) onList(f func()) { d.listChanged = append(d.listChanged, f) }

// onEdited registers f to run after every change.
func (d *document) onEdited(f func()) { d.editHooks = append(d.editHooks, f) }

// changed is called by views after they edited d.c or the body.
func (d *document) changed() {
	d.dirty = true
	if d.edited != nil {
		d.edited()
	}
	for _, f := range d.editHooks {
		f()
	}
}

func (d *document) setList(l *RecipientList) {
	d.list = l
	for _, f := range d.listChanged {
		f()
	}
	// The previous list, and the reader's buffers, are garbage now.
	releaseMemory()
}

// replace swaps in another campaign and tells every view.
func (d *document) replace(c campaign.Campaign, path, body, format string) {
	d.c, d.path, d.bodyText, d.bodyFormat, d.list, d.dirty = c, path, body, format, nil, false
	for _, f := range d.replaced {
		f()
	}
	for _, f := range d.listChanged {
		f()
	}
}

// empty reports whether the campaign holds nothing the user typed.
func (d *document) empty() bool {
	c := d.c
	return d.path == "" && c.Name == "" && c.Subject == "" && c.Recipients == "" && len(c.RecipientLines) == 0 &&
		strings.TrimSpace(d.bodyText) == "" && len(c.Attach) == 0
}

// displayName is how the window names the campaign: its name, else its
// file's name, else "".
func (d *document) displayName() string {
	if d.c.Name != "" {
		return d.c.Name
	}
	if d.path != "" {
		return strings.TrimSuffix(filepath.Base(d.path), filepath.Ext(d.path))
	}
	return ""
}

func (d *document) draft() Draft {
	snapshot, file := "", ""
	if d.persist != nil {
		snapshot, file = d.persist()
	}
	c := d.c
	c.Attach = append([]string(nil), d.c.Attach...)
	c.Where = append([]string(nil), d.c.Where...)
	return Draft{Path: snapshot, File: file, Campaign: c, BodyText: d.bodyText, BodyFormat: d.bodyFormat}
}

// loadCampaign reads a campaign file and its body.
func loadCampaign(path string) (campaign.Campaign, string, string, error) {
	c, err := campaign.Load(path)
	if err != nil {
		return campaign.Campaign{}, "", "", err
	}
	format := formatFromPath(c.Body)
	body := ""
	if c.Body != "" {
		data, err := os.ReadFile(c.Body)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return campaign.Campaign{}, "", "", fmt.Errorf("campaign %s: body: %w", filepath.Base(path), err)
		}
		body = string(data)
	}
	return *c, body, format, nil
}

// save writes the body file and then the campaign to the user's file
// path, and makes path the document's file.
func (d *document) save(path string) error {
	c := d.c
	// Save As gets its own body file next to it, so the copy can be moved
	// and edited without touching the original.
	if c.Body == "" || d.path != path || formatFromPath(c.Body) != d.bodyFormat {
		c.Body = bodyPathFor(path, d.bodyFormat)
	}
	if err := d.write(path, c); err != nil {
		return err
	}
	d.c.Body, d.path, d.dirty = c.Body, path, false
	return nil
}

// saveDraft writes the autosaved copy: the campaign with its body in a
// file next to the draft. The user's files are not touched.
func (d *document) saveDraft() error {
	if d.draftPath == "" {
		return errors.New("no draft file")
	}
	if err := os.MkdirAll(filepath.Dir(d.draftPath), 0o700); err != nil {
		return err
	}
	c := d.c
	c.Body = bodyPathFor(d.draftPath, d.bodyFormat)
	return d.write(d.draftPath, c)
}

func (d *document) write(path string, c campaign.Campaign) error {
	if err := atomicfile.WriteFile(c.Body, []byte(d.bodyText), 0o644); err != nil {
		return fmt.Errorf("save body: %w", err)
	}
	return c.Save(path)
}

// removeDraft deletes the draft and its body files.
func removeDraft(path string) {
	if path == "" {
		return
	}
	os.Remove(path)
	for _, f := range bodyFormats {
		os.Remove(bodyPathFor(path, f))
	}
}

func bodyPathFor(campaignPath, format string) string {
	return strings.TrimSuffix(campaignPath, filepath.Ext(campaignPath)) + ".body" + extensionFor(format)
}

func formatFromPath(p string) string {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".html", ".htm":
		return formatHTML
	case ".txt":
		return formatText
	}
	return formatMarkdown
}

func extensionFor(format string) string {
	switch format {
	case formatHTML:
		return ".html"
	case formatText:
		return ".txt"
	}
	return ".md"
}
