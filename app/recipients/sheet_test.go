package recipients

import (
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestDefaultSheetIsFirstVisibleWithData(t *testing.T) {
	f := excelize.NewFile()
	set(t, f, "Sheet1", "A1", "hidden data")
	for _, s := range []string{"Notes", "Customers"} {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	set(t, f, "Customers", "A1", "Email")
	set(t, f, "Customers", "A2", "a@x.com")
	// Excel cannot hide the active sheet
	idx, _ := f.GetSheetIndex("Customers")
	f.SetActiveSheet(idx)
	if err := f.SetSheetVisible("Sheet1", false); err != nil {
		t.Fatal(err)
	}
	path := writeBook(t, f, "book.xlsx")
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Sheet() != "Customers" {
		t.Errorf("sheet %q, want Customers (Sheet1 is hidden, Notes is empty)", r.Sheet())
	}
	want := []SheetInfo{{"Sheet1", true}, {"Notes", false}, {"Customers", false}}
	if !reflect.DeepEqual(r.Sheets(), want) {
		t.Errorf("sheets %+v, want %+v", r.Sheets(), want)
	}
	// the hidden sheet can still be chosen, by name in any case
	h, err := Load(path, WithSheet("sheet1"), WithEmailColumn("A"))
	if err != nil {
		t.Fatal(err)
	}
	if h.Sheet != "Sheet1" || h.Columns[0].Name != "hidden data" {
		t.Errorf("got sheet %q columns %q", h.Sheet, h.Columns.Names())
	}
}

func TestHeaderNamesAreUniqueAndVisible(t *testing.T) {
	f := excelize.NewFile()
	const s = "Sheet1"
	// table starts at B3: blank leading rows and column A
	for i, h := range []string{"Name", "", "name", "E-mail\naddress", "Contact", ""} {
		set(t, f, s, cell(2+i, 3), h)
	}
	if err := f.MergeCell(s, "F3", "G3"); err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"Bob", "x", "Bobby", "bob@x.com", "555", "666"} {
		set(t, f, s, cell(2+i, 4), v)
	}
	set(t, f, s, "B5", "")       // row 5 empty in the middle
	set(t, f, s, "E6", "a@b.cn") // row 6
	set(t, f, s, "B10", "")      // trailing empty rows
	if err := f.SetRowVisible(s, 6, false); err != nil {
		t.Fatal(err)
	}
	tab, err := Load(writeBook(t, f, "h.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"Name", "Column C", "name (2)", "E-mail address", "Contact", "Contact (2)"}
	if got := tab.Columns.Names(); !reflect.DeepEqual(got, wantNames) {
		t.Fatalf("columns %q, want %q", got, wantNames)
	}
	if tab.Columns[1].Renamed() != true || tab.Columns[0].Renamed() || tab.Columns[5].Letter != "G" {
		t.Errorf("column details wrong: %+v", tab.Columns)
	}
	if !tab.HasEmail || tab.Email.Name != "E-mail address" {
		t.Errorf("email column %+v", tab.Email)
	}
	if len(tab.Rows) != 2 || tab.Rows[0].Number != 4 || tab.Rows[1].Number != 6 || !tab.Rows[1].Hidden || tab.Rows[0].Hidden {
		t.Fatalf("rows %+v, want rows 4 and 6 (6 hidden)", tab.Rows)
	}
	if got := tab.Rows[1].Values; !reflect.DeepEqual(got, []string{"", "", "", "a@b.cn", "", ""}) {
		t.Errorf("row 6 = %q", got)
	}
}

func TestHeaderRowOverrideAndMergedDataCells(t *testing.T) {
	f := excelize.NewFile()
	const s = "Sheet1"
	set(t, f, s, "A1", "Report")
	set(t, f, s, "B1", "2024")
	set(t, f, s, "C1", "Q1")
	set(t, f, s, "A2", "City")
	set(t, f, s, "B2", "Email")
	set(t, f, s, "A3", "北京")
	if err := f.MergeCell(s, "A3", "A4"); err != nil {
		t.Fatal(err)
	}
	set(t, f, s, "B3", "a@x.com")
	set(t, f, s, "B4", "b@x.com")
	path := writeBook(t, f, "m.xlsx")
	tab, err := Load(path, WithHeaderRow(2))
	if err != nil {
		t.Fatal(err)
	}
	if tab.HeaderRow != 2 || tab.Columns[0].Name != "City" {
		t.Fatalf("header row %d columns %q", tab.HeaderRow, tab.Columns.Names())
	}
	if tab.Rows[1].Values[0] != "北京" {
		t.Errorf("merged city not shown on row 4: %q", tab.Rows[1].Values)
	}
}

func TestEmailColumnDetection(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		row     []string
		opts    []Option
		want    string
		found   bool
	}{
		{"english", []string{"Name", "Email Address"}, []string{"Bob", "bob@x.com"}, nil, "Email Address", true},
		{"e-mail", []string{"Name", "E-Mail"}, []string{"Bob", "bob@x.com"}, nil, "E-Mail", true},
		{"mail", []string{"mail", "x"}, []string{"bob@x.com", "1"}, nil, "mail", true},
		{"chinese 电子邮件", []string{"姓名", "电子邮件"}, []string{"张三", "z@qq.com"}, nil, "电子邮件", true},
		{"chinese 邮件地址", []string{"邮件地址", "姓名"}, []string{"z@qq.com", "张三"}, nil, "邮件地址", true},
		{"contains 邮箱", []string{"姓名", "客户邮箱"}, []string{"张三", "z@qq.com"}, nil, "客户邮箱", true},
		{"exact beats contains", []string{"Email sent", "Email"}, []string{"yes", "a@b.com"}, nil, "Email", true},
		{"by content", []string{"Who", "Contact"}, []string{"Bob", "bob@x.com"}, nil, "Contact", true},
		{"override by letter", []string{"Email", "Backup"}, []string{"a@x.com", "b@x.com"}, []Option{WithEmailColumn("b")}, "Backup", true},
		{"none", []string{"Name", "Phone"}, []string{"Bob", "555"}, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := excelize.NewFile()
			for i := range tt.headers {
				set(t, f, "Sheet1", cell(i+1, 1), tt.headers[i])
				set(t, f, "Sheet1", cell(i+1, 2), tt.row[i])
			}
			tab, err := Load(writeBook(t, f, "e.xlsx"), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if tab.HasEmail != tt.found || tab.Email.Name != tt.want {
				t.Errorf("email column %q (found %v), want %q (%v)", tab.Email.Name, tab.HasEmail, tt.want, tt.found)
			}
		})
	}
}

func TestPreviewRowsArriveBeforeTheFileIsRead(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"Name", "Email"})
	for r := 2; r <= 5000; r++ {
		_ = sw.SetRow(cell(1, r), []any{"n", "a@x.com"})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(writeBook(t, f, "big.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < 100; i++ {
		if !r.Next() {
			t.Fatalf("only %d rows", i)
		}
	}
	if read := r.src.(*xlsxSource).number; read > 200 {
		t.Errorf("the first 100 rows needed %d rows read from the sheet; want the preview only", read)
	}
	n := 100
	for r.Next() {
		n++
	}
	if n != 4999 || r.Row().Number != 5000 {
		t.Errorf("read %d rows ending at %d, want 4999 ending at 5000", n, r.Row().Number)
	}
}
