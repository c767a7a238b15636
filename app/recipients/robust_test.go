package recipients

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readEverything opens and reads a file; any outcome but a panic is fine.
func readEverything(path string) {
	r, err := Open(path)
	if err != nil {
		return
	}
	defer r.Close()
	for r.Next() {
		_ = r.Row()
	}
	_ = r.Err()
}

func FuzzOpenText(f *testing.F) {
	for _, name := range []string{"gbk.csv", "european-semicolon.csv", "unicode-text.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("sep=;\n\"unterminated;\n"))
	f.Add([]byte("\xff\xfe\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		readEverything(path)
	})
}

func FuzzParseAddressAndCondition(f *testing.F) {
	for _, s := range []string{"bob@x.com", "Doe, John <j@x.com>; a@b", "用户@例子.中国", "Status != sent", `"a" contains "b"`, "＠", "<>", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, part := range SplitCell(s) {
			_, _ = ParseAddress(part)
		}
		_, _ = ParseCondition(s)
		_, _ = ParseRowRanges(s)
		_ = SuggestDomain(s)
	})
}

// TestDamagedWorkbooksNeverPanic flips bytes throughout a real workbook
// and reads each damaged copy.
func TestDamagedWorkbooksNeverPanic(t *testing.T) {
	data, err := os.ReadFile(chineseCustomerBook(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := 0; i < len(data); i += len(data) / 97 {
		damaged := append([]byte(nil), data...)
		damaged[i] ^= 0x5A
		path := filepath.Join(dir, "damaged.xlsx")
		if err := os.WriteFile(path, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		readEverything(path)
	}
}

func TestHostileHyperlinkRangeIsBounded(t *testing.T) {
	f := excelize.NewFile()
	set(t, f, "Sheet1", "A1", "Email")
	set(t, f, "Sheet1", "A2", "Ann")
	if err := f.SetCellHyperLink("Sheet1", "A2", "mailto:a@b.com", "External"); err != nil {
		t.Fatal(err)
	}
	path := writeBook(t, f, "links.xlsx")
	// excelize will not write a whole-sheet link range, a crafted file can
	patchZipPart(t, path, "xl/worksheets/sheet1.xml", `<hyperlink ref="A2"`, `<hyperlink ref="A2:XFD1048576"`)
	tab, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 1 || tab.Rows[0].Mailto(0) != "a@b.com" {
		t.Errorf("rows %+v", tab.Rows)
	}
}

func patchZipPart(t *testing.T, path, part, old, new string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	patched := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == part && bytes.Contains(data, []byte(old)) {
			data, patched = bytes.Replace(data, []byte(old), []byte(new), 1), true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !patched {
		t.Fatalf("%s holds no %q", part, old)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOtherWorkbookKinds(t *testing.T) {
	for _, name := range []string{"macros.xlsm", "template.xltx", "UPPER.XLSX"} {
		f := excelize.NewFile()
		set(t, f, "Sheet1", "A1", "Email")
		set(t, f, "Sheet1", "A2", "a@x.com")
		tab, err := Load(writeBook(t, f, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(tab.Rows) != 1 || tab.Rows[0].Values[0] != "a@x.com" {
			t.Errorf("%s: rows %+v", name, tab.Rows)
		}
	}
}

func TestUTF16Variants(t *testing.T) {
	encode := func(s string, bigEndian bool) string {
		var b []byte
		for _, r := range s { // ASCII test text only
			if bigEndian {
				b = append(b, 0, byte(r))
			} else {
				b = append(b, byte(r), 0)
			}
		}
		return string(b)
	}
	text := "Name\tEmail\r\nAnn\tann@x.com\r\n"
	for name, content := range map[string]string{
		"be-bom.txt": "\xFE\xFF" + encode(text, true),
		"le-raw.txt": encode(text, false),
		"be-raw.txt": encode(text, true),
	} {
		tab, err := Load(writeText(t, name, content))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tab.Encoding != "UTF-16" || tab.Delimiter != '\t' || len(tab.Rows) != 1 || tab.Rows[0].Values[1] != "ann@x.com" {
			t.Errorf("%s: %s %q %+v", name, tab.Encoding, tab.Delimiter, tab.Rows)
		}
	}
}
