package recipients

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeBook saves f under the test's temp dir and returns the path.
func writeBook(t testing.TB, f *excelize.File, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func set(t testing.TB, f *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := f.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

// chineseCustomerBook is a customer list as a Chinese office would keep
// it: a title merged across the top, headers in Chinese, dates, a phone
// number typed as a number, an ID with leading zeros, a formula with its
// cached result, rich text, a mailto link whose text is a name, blank rows.
func chineseCustomerBook(t testing.TB) string {
	t.Helper()
	f := excelize.NewFile()
	const s = "客户"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		t.Fatal(err)
	}
	set(t, f, s, "B2", "2024 客户名单")
	if err := f.MergeCell(s, "B2", "G2"); err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"姓名", "邮箱", "注册日期", "手机", "编号", "积分"} {
		cell, _ := excelize.CoordinatesToCellName(2+i, 4)
		set(t, f, s, cell, h)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	zeros := "000000"
	padded, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
	rows := []struct {
		name, email string
		phone       int64
		id          int
		points      int
	}{
		{"张伟", "zhang.wei@qq.com", 13800138000, 42, 10},
		{"李娜", "li.na@163.com", 13912345678, 7, 25},
	}
	for i, r := range rows {
		n := 5 + i
		set(t, f, s, cell(2, n), r.name)
		set(t, f, s, cell(3, n), r.email)
		set(t, f, s, cell(4, n), time.Date(2024, 3, 5+i, 0, 0, 0, 0, time.UTC))
		_ = f.SetCellStyle(s, cell(4, n), cell(4, n), date)
		set(t, f, s, cell(5, n), r.phone)
		set(t, f, s, cell(6, n), r.id)
		_ = f.SetCellStyle(s, cell(6, n), cell(6, n), padded)
		// cached result first, then the formula, as Excel stores both
		set(t, f, s, cell(7, n), r.points*2)
		if err := f.SetCellFormula(s, cell(7, n), cell(6, n)+"*2"); err != nil {
			t.Fatal(err)
		}
	}
	// row 7 blank, row 8: rich text name, address only in a mailto link
	if err := f.SetCellRichText(s, "B8", []excelize.RichTextRun{{Text: "王", Font: &excelize.Font{Bold: true}}, {Text: "芳"}}); err != nil {
		t.Fatal(err)
	}
	set(t, f, s, "C8", "王芳的邮箱")
	if err := f.SetCellHyperLink(s, "C8", "mailto:wang.fang@126.com", "External"); err != nil {
		t.Fatal(err)
	}
	set(t, f, s, "E8", 123456789012345678.0)
	return writeBook(t, f, "客户名单.xlsx")
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func readAll(t testing.TB, r *Reader) []Row {
	t.Helper()
	var rows []Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}
