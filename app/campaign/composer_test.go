package campaign

import (
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/merge"
)

// TestPreviewRowShowsWhatTheRecipientGets: Bcc (which the wire headers
// never carry), the rendered HTML of a Markdown body and the campaign's
// own problems, from a row the window already read.
func TestPreviewRowShowsWhatTheRecipientGets(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "body.md", "# Hello {{Name}}\n\n**{{Amount}}** due\n")
	c := &Campaign{Subject: "Bill for {{Name}}", Body: filepath.Join(dir, "body.md"), From: "财务部 <billing@example.com>",
		BCC: "{{Boss}}"}
	pv, eml, err := PreviewRow(c, Env{DataDir: dir}, "", []string{"Name", "Email", "Amount", "Boss"},
		merge.Row{Number: 2, Values: []string{"Ann", "ann@example.com", "12.00", "boss@example.com"}}, []string{"ann@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if pv.Subject != "Bill for Ann" || len(pv.Bcc) != 1 || pv.Bcc[0] != "boss@example.com" || pv.From != `"财务部" <billing@example.com>` && !strings.Contains(pv.From, "billing@example.com") {
		t.Errorf("headers: subject %q bcc %v from %q", pv.Subject, pv.Bcc, pv.From)
	}
	if !strings.Contains(pv.HTML, "<h1>Hello Ann</h1>") || !strings.Contains(pv.HTML, "<strong>12.00</strong>") {
		t.Errorf("html %q", pv.HTML)
	}
	if len(pv.Problems) != 0 || !strings.Contains(string(eml), "Subject:") || strings.Contains(string(eml), "Bcc:") {
		t.Errorf("problems %v, eml %q", pv.Problems, eml)
	}
	c.From = ""
	pv, _, err = PreviewRow(c, Env{DataDir: dir}, "", []string{"Name", "Email", "Amount", "Boss"},
		merge.Row{Number: 2, Values: []string{"Ann", "ann@example.com", "12.00", ""}}, []string{"ann@example.com"})
	if err != nil || len(pv.Problems) == 0 {
		t.Errorf("a campaign without sender previews without problems: %v %v", pv.Problems, err)
	}
}
