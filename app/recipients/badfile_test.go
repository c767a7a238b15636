package recipients

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func writeZip(t testing.TB, name string, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, content := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeText(t, name, buf.String())
}

func encryptedBook(t testing.TB) string {
	f := excelize.NewFile()
	set(t, f, "Sheet1", "A1", "Email")
	path := filepath.Join(t.TempDir(), "secret.xlsx")
	if err := f.SaveAs(path, excelize.Options{Password: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	return path
}

// bigBook's shared strings unpack to several MB but compress to little,
// the shape of a zip bomb at a scale a test can afford.
func bigBook(t testing.TB) string {
	f := excelize.NewFile()
	set(t, f, "Sheet1", "A1", "Email")
	set(t, f, "Sheet1", "B1", strings.Repeat("x", 32000))
	for r := 2; r < 200; r++ {
		set(t, f, "Sheet1", cell(2, r), strings.Repeat("x", 32000)+strconv.Itoa(r))
	}
	return writeBook(t, f, "huge.xlsx")
}

func emptyVisibleBook(t testing.TB) string {
	f := excelize.NewFile()
	if _, err := f.NewSheet("Data"); err != nil {
		t.Fatal(err)
	}
	set(t, f, "Data", "A1", "Email")
	if err := f.SetSheetVisible("Data", false); err != nil {
		t.Fatal(err)
	}
	return writeBook(t, f, "blank.xlsx")
}

func TestBadFilesGiveTheUserAClearMessage(t *testing.T) {
	dir := t.TempDir()
	numbersDir := filepath.Join(dir, "Kunden.numbers")
	if err := os.Mkdir(numbersDir, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path func(t testing.TB) string
		opts []Option
		kind error
		want string
	}{
		{"missing", func(t testing.TB) string { return filepath.Join(dir, "customers.xlsx") }, nil, ErrNotFound,
			"customers.xlsx: the file does not exist — check the name and folder (" + dir + "), or choose the file again"},
		{"empty", func(t testing.TB) string { return writeText(t, "empty.csv", "") }, nil, ErrEmptyFile,
			"empty.csv: the file is empty — choose the file that holds your recipient list"},
		{"blank lines only", func(t testing.TB) string { return writeText(t, "blank.csv", "\r\n,,\r\n") }, nil, ErrNoData,
			"blank.csv: the file holds no rows — choose the file that holds your recipient list"},
		{"legacy xls", func(t testing.TB) string { return filepath.Join("testdata", "legacy.xls") }, nil, ErrLegacyExcel,
			"legacy.xls: this is an Excel 97-2003 workbook (.xls), which Mailroom cannot read — save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)"},
		{"legacy xls renamed", func(t testing.TB) string {
			data, _ := os.ReadFile(filepath.Join("testdata", "legacy.xls"))
			return writeText(t, "list.xlsx", string(data))
		}, nil, ErrLegacyExcel,
			"list.xlsx: this is an Excel 97-2003 workbook (old .xls format) named .xlsx, which Mailroom cannot read — save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)"},
		{"password", encryptedBook, nil, ErrEncrypted,
			"secret.xlsx: the workbook is password-protected — open it in Excel, remove the password (File → Info → Protect Workbook → Encrypt with Password, clear the box) and save it as .xlsx"},
		{"corrupt", func(t testing.TB) string { return writeText(t, "broken.xlsx", "this is not a workbook") }, nil, ErrCorrupt,
			"broken.xlsx: the file is damaged or is not really an Excel workbook — open it in Excel and save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)"},
		{"truncated zip", func(t testing.TB) string {
			data, _ := os.ReadFile(chineseCustomerBook(t))
			return writeText(t, "cut.xlsx", string(data[:len(data)/2]))
		}, nil, ErrCorrupt,
			"cut.xlsx: the file is damaged or is not really an Excel workbook — open it in Excel and save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)"},
		{"xlsb", func(t testing.TB) string {
			return writeZip(t, "book.xlsb", map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\x00"})
		}, nil, ErrUnsupported,
			"book.xlsb: this is an Excel binary workbook (.xlsb), which Mailroom cannot read — save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)"},
		{"ods", func(t testing.TB) string {
			return writeZip(t, "list.ods", map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
		}, nil, ErrUnsupported,
			"list.ods: this is an OpenDocument spreadsheet (.ods), which Mailroom cannot read — save it as .xlsx: in LibreOffice choose File → Save As → Excel 2007-365 (.xlsx)"},
		{"numbers file", func(t testing.TB) string {
			return writeZip(t, "Kunden.numbers", map[string]string{"Index/Document.iwa": "x"})
		}, nil, ErrUnsupported,
			"Kunden.numbers: this is an Apple Numbers file, which Mailroom cannot read — export it from Numbers as Excel: File → Export To → Excel…"},
		{"numbers package folder", func(t testing.TB) string { return numbersDir }, nil, ErrUnsupported,
			"Kunden.numbers: this is an Apple Numbers file, which Mailroom cannot read — export it from Numbers as Excel: File → Export To → Excel…"},
		{"word document", func(t testing.TB) string {
			return writeZip(t, "letter.xlsx", map[string]string{"word/document.xml": "<x/>"})
		}, nil, ErrUnsupported,
			"letter.xlsx: this is a ZIP archive or Office document, not an Excel workbook — unpack it or export the list as .xlsx or .csv"},
		{"html named xls", func(t testing.TB) string {
			return writeText(t, "export.xls", "<html><table><tr><td>Email</td></tr></table></html>")
		}, nil, ErrUnsupported,
			"export.xls: this file is a web page or XML export, not a spreadsheet Mailroom can read — open it in Excel and save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)"},
		{"pdf", func(t testing.TB) string { return writeText(t, "list.pdf", "%PDF-1.7") }, nil, ErrUnsupported,
			"list.pdf: Mailroom reads .xlsx, .xlsm, .xltx, .csv and .txt files, not .pdf files — save or export the list as .xlsx or .csv"},
		{"folder", func(t testing.TB) string { return dir }, nil, ErrUnsupported,
			filepath.Base(dir) + ": this is a folder, not a file — choose the spreadsheet file inside it"},
		{"zip bomb", bigBook, []Option{WithMaxUnpacked(1 << 20)}, ErrTooLarge,
			"huge.xlsx: the workbook unpacks to 7 MB, more than the 1 MB Mailroom accepts; the file may be damaged or hostile — if it is a genuine list, split it into smaller workbooks or save it as .csv"},
		{"unknown sheet", chineseCustomerBook, []Option{WithSheet("Sheet9")}, ErrSheetNotFound,
			`客户名单.xlsx: there is no sheet named "Sheet9" — choose one of: "客户"`},
		{"only hidden data", emptyVisibleBook, nil, ErrNoData,
			`blank.xlsx: the visible sheets of the workbook are empty — the data may be on a hidden sheet; choose one of: "Sheet1", "Data" (hidden)`},
		{"empty chosen sheet", emptyVisibleBook, []Option{WithSheet("sheet1")}, ErrNoData,
			`blank.xlsx, sheet "Sheet1": the sheet is empty — choose the sheet that holds your recipient list`},
		{"empty header row", chineseCustomerBook, []Option{WithHeaderRow(3)}, ErrNoData,
			`客户名单.xlsx, sheet "客户", row 3: the header row is empty — choose the row that holds the column names`},
		{"header row past the end", func(t testing.TB) string { return filepath.Join("testdata", "gbk.csv") }, []Option{WithHeaderRow(40)}, ErrNoData,
			`gbk.csv, row 40: the header row is empty — choose the row that holds the column names`},
		{"unknown email column", chineseCustomerBook, []Option{WithEmailColumn("Email")}, ErrNoColumn,
			`客户名单.xlsx, sheet "客户": there is no column named "Email" — choose one of: 姓名, 邮箱, 注册日期, 手机, 编号, 积分`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(tt.path(t), tt.opts...)
			if err == nil {
				r.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FileError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("message\n%s\nwant\n%s", err.Error(), tt.want)
			}
		})
	}
}
