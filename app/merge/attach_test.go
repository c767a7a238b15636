package merge

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/recipients"
)

// scanFolder builds the typical scanned-documents folder, plus a secret
// file outside it.
func scanFolder(t *testing.T) (dir, secret string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "扫描件")
	secret = writeFile(t, filepath.Join(base, "secret.txt"), []byte("private"))
	for _, name := range []string{"C001-合同.pdf", "C001-发票.pdf", "C002.pdf", "C010.pdf", "C011.pdf", "Report.PDF", "unused.docx", ".DS_Store", "~$lock.docx", "sub/C003.pdf"} {
		writeFile(t, filepath.Join(dir, name), []byte("content of "+name))
	}
	return dir, secret
}

var attachCols = []string{"Email", "客户编号", "附件"}

func attachComposer(t *testing.T, dir string, opts ...Option) *Composer {
	t.Helper()
	base := []Option{WithFrom("a@example.com"), WithSubject("s"), WithBody(FormatText, "b", "")}
	return newComposer(t, attachCols, append(base, opts...)...)
}

func attachRow(n int, id, cell string) Row {
	return Row{Number: n, Values: []string{"x@example.com", id, cell}}
}

func problemCodes(ps recipients.Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

func TestPathTraversalIsRefused(t *testing.T) {
	dir, secret := scanFolder(t)
	if err := os.Symlink(secret, filepath.Join(dir, "link.txt")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	if err := os.Symlink(filepath.Dir(secret), filepath.Join(dir, "outdir")); err != nil {
		t.Fatal(err)
	}
	c := attachComposer(t, dir, WithAttachColumn(dir, "附件"))
	for i, cell := range []string{
		"../secret.txt",
		"sub/../../secret.txt",
		`..\secret.txt`,
		secret,
		"/etc/passwd",
		`C:\Windows\win.ini`,
		"link.txt",
		"link*",
		"outdir/secret.txt",
	} {
		row := attachRow(10+i, "", cell)
		_, err := c.Message("k", row, []string{"x@example.com"})
		var re *RowError
		if !errors.As(err, &re) {
			t.Errorf("cell %q: message built, the file outside the folder was attached", cell)
			continue
		}
		p := re.Problems[0]
		if p.Row != row.Number || p.Column != "附件" || p.Severity != recipients.Blocking {
			t.Errorf("cell %q: problem %+v lacks row/column", cell, p)
		}
		if p.Code != "attachment-outside-folder" && p.Code != "attachment-missing" {
			t.Errorf("cell %q: code %s: %v", cell, p.Code, p)
		}
		if strings.Contains(cell, "..") || filepath.IsAbs(cell) || strings.HasPrefix(cell, "link") {
			if p.Code != "attachment-outside-folder" {
				t.Errorf("cell %q: code %s, want attachment-outside-folder (%v)", cell, p.Code, p)
			}
		}
	}
}

func TestLinkSwappedAfterCheckIsStillRefused(t *testing.T) {
	dir, secret := scanFolder(t)
	c := attachComposer(t, dir, WithAttachColumn(dir, "附件"))
	msg, err := c.Message("k", attachRow(2, "", "C002.pdf"), []string{"x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	// Between the check and the send the file becomes a link to a secret.
	target := filepath.Join(dir, "C002.pdf")
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, target); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	var sb strings.Builder
	if _, err := msg.Mail.WriteTo(&sb); err == nil && strings.Contains(sb.String(), "cHJpdmF0ZQ") {
		t.Fatal("the secret file was written into the message")
	} else if err == nil {
		t.Fatal("writing the message succeeded although its attachment now leads outside the folder")
	}
}

func TestAttachmentMatching(t *testing.T) {
	dir, _ := scanFolder(t)
	c := attachComposer(t, dir, WithAttachPattern(dir, "{{客户编号}}*.pdf"))
	tests := []struct {
		id        string
		wantFiles []string
		wantCode  string
	}{
		{"C002", []string{"C002.pdf"}, ""},
		{"C001", nil, "attachment-ambiguous"}, // 合同 and 发票: two where one was expected
		{"C01", nil, "attachment-ambiguous"},  // C010 and C011
		{"C999", nil, "attachment-missing"},
		{"report", []string{"Report.PDF"}, ""}, // case differences forgiven
		{"", nil, "attachment-ambiguous"},
	}
	for _, tc := range tests {
		p := c.Preview(attachRow(3, tc.id, ""), []string{"x@example.com"})
		var names []string
		for _, f := range p.Files {
			names = append(names, f.Name)
		}
		codes := problemCodes(p.Problems)
		if tc.wantCode == "" && (len(codes) > 0 || strings.Join(names, ",") != strings.Join(tc.wantFiles, ",")) {
			t.Errorf("id %q: files %v, problems %v", tc.id, names, p.Problems)
		}
		if tc.wantCode != "" && (len(codes) == 0 || codes[0] != tc.wantCode) {
			t.Errorf("id %q: problems %v, want %s", tc.id, p.Problems, tc.wantCode)
		}
	}

	several := attachComposer(t, dir, WithAttachPattern(dir, "{{客户编号}}*.pdf"), WithSeveralFilesPerEntry())
	if p := several.Preview(attachRow(3, "C001", ""), nil); len(p.Files) != 2 {
		t.Errorf("several allowed: files %v problems %v", p.Files, p.Problems)
	}
}

func TestAttachColumnWithSeveralEntries(t *testing.T) {
	dir, _ := scanFolder(t)
	c := attachComposer(t, dir, WithAttachColumn(dir, "附件"))
	raw, err := c.EML(attachRow(2, "", "C001-合同.pdf； sub/C003.pdf;c002.pdf"), []string{"x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range parseMessage(t, raw).attachments() {
		names = append(names, a.FileName+"="+string(a.Body))
	}
	want := "C001-合同.pdf=content of C001-合同.pdf,C003.pdf=content of sub/C003.pdf,C002.pdf=content of C002.pdf"
	if strings.Join(names, ",") != want {
		t.Errorf("attachments %v", names)
	}

	p := c.Preview(attachRow(4, "", "C002"), nil)
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0].Hint, "C002.pdf") {
		t.Errorf("name without extension should hint at C002.pdf: %v", p.Problems)
	}
	p = c.Preview(attachRow(5, "", "  "), nil)
	if codes := problemCodes(p.Problems); len(codes) != 1 || codes[0] != "attachment-missing" {
		t.Errorf("empty cell: %v", p.Problems)
	}
}

func TestMatchingReport(t *testing.T) {
	dir, _ := scanFolder(t)
	c := attachComposer(t, dir, WithAttachColumn(dir, "附件"), WithSource("客户.xlsx", "Sheet1"))
	rep := c.Check([]Row{
		attachRow(2, "", "C002.pdf"),
		attachRow(3, "", "C010.pdf;C011.pdf"),
		attachRow(4, "", "missing.pdf"),
		attachRow(5, "", "C0*.pdf"),
	})
	want := map[string]int{"attachment-missing": 4, "attachment-ambiguous": 5}
	for _, p := range rep.Problems {
		if p.Code == "attachment-unused" {
			continue
		}
		if want[p.Code] != p.Row || p.File != "客户.xlsx" || p.Sheet != "Sheet1" || p.Column != "附件" {
			t.Errorf("unexpected problem %+v", p)
		}
		delete(want, p.Code)
	}
	if len(want) > 0 {
		t.Errorf("missing problems %v in %v", want, rep.Problems)
	}
	unused := strings.Join(rep.UnusedFiles, ",")
	if unused != "C001-发票.pdf,C001-合同.pdf,Report.PDF,sub/C003.pdf,unused.docx" {
		t.Errorf("unused files = %s", unused)
	}
	if len(rep.Rows) != 4 || len(rep.Rows[1].Files) != 2 || rep.Rows[1].Size == 0 {
		t.Errorf("row reports = %+v", rep.Rows)
	}
}

func TestMissingSharedAttachmentIsBlocking(t *testing.T) {
	c := attachComposer(t, "", WithAttachments(filepath.Join(t.TempDir(), "gone.pdf")))
	ps := c.Problems()
	if len(ps) != 1 || ps[0].Code != "attachment-missing" || !strings.HasSuffix(ps[0].File, "gone.pdf") {
		t.Fatalf("problems %v", ps)
	}
	if _, err := c.Message("k", attachRow(2, "", ""), []string{"x@example.com"}); !errors.Is(err, ErrNotReady) {
		t.Errorf("Message: %v", err)
	}
}
