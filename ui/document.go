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
type document struct {
	c          campaign.Campaign
	path       string // "" until the user names it; drafts live in draftPath
	bodyText   string
	bodyFormat string
	list       *RecipientList

	replaced    []func() // a new campaign was opened
	listChanged []func() // the recipient list was (re)imported
	edited      func()   // any field changed; drives autosave
	// persist saves the campaign now and returns the file it is in; set by
	// the main window so that backends read what the user sees.
	persist func() string
}

func newDocument() *document {
	return &document{c: campaign.Campaign{Version: campaign.FormatVersion}, bodyFormat: formatMarkdown}
}

// onReplaced registers f to run after new or open.
func (d *document) onReplaced(f func()) { d.replaced = append(d.replaced, f) }

// onList registers f to run after the recipient list changed.
func (d *document) onList(f func()) { d.listChanged = append(d.listChanged, f) }

// changed is called by views after they edited d.c or the body.
func (d *document) changed() {
	if d.edited != nil {
		d.edited()
	}
}

func (d *document) setList(l *RecipientList) {
	d.list = l
	for _, f := range d.listChanged {
		f()
	}
}

// replace swaps in another campaign and tells every view.
func (d *document) replace(c campaign.Campaign, path, body, format string) {
	d.c, d.path, d.bodyText, d.bodyFormat, d.list = c, path, body, format, nil
	for _, f := range d.replaced {
		f()
	}
	for _, f := range d.listChanged {
		f()
	}
}

func (d *document) draft() Draft {
	path := ""
	if d.persist != nil {
		path = d.persist()
	}
	c := d.c
	c.Attach = append([]string(nil), d.c.Attach...)
	c.Where = append([]string(nil), d.c.Where...)
	return Draft{Path: path, Campaign: c, BodyText: d.bodyText, BodyFormat: d.bodyFormat}
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

// save writes the body file and then the campaign to path, and makes path
// the document's file.
func (d *document) save(path string) error {
	if err := d.write(path); err != nil {
		return err
	}
	d.path = path
	return nil
}

// saveDraft keeps an untitled campaign in the app's storage so that
// nothing typed is lost when the app closes.
func (d *document) saveDraft(path string) error {
	return d.write(path)
}

func (d *document) write(path string) error {
	c := d.c
	// Save As gets its own body file next to it, so the copy can be moved
	// and edited without touching the original.
	if c.Body == "" || d.path != path || formatFromPath(c.Body) != d.bodyFormat {
		c.Body = strings.TrimSuffix(path, filepath.Ext(path)) + ".body" + extensionFor(d.bodyFormat)
	}
	if err := atomicfile.WriteFile(c.Body, []byte(d.bodyText), 0o644); err != nil {
		return fmt.Errorf("save body: %w", err)
	}
	if err := c.Save(path); err != nil {
		return err
	}
	d.c.Body = c.Body
	return nil
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
