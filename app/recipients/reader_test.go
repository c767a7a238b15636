package recipients

import (
	"reflect"
	"testing"
)

func TestOpenChineseWorkbookShowsCellsAsTheUserSeesThem(t *testing.T) {
	r, err := Open(chineseCustomerBook(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Sheet() != "客户" || r.HeaderRow() != 4 {
		t.Fatalf("sheet %q header row %d, want 客户 and 4 (the merged title on row 2 is not the header)", r.Sheet(), r.HeaderRow())
	}
	if got, want := r.Columns().Names(), []string{"姓名", "邮箱", "注册日期", "手机", "编号", "积分"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("columns %q, want %q", got, want)
	}
	if c, ok := r.EmailColumn(); !ok || c.Name != "邮箱" || c.Letter != "C" {
		t.Fatalf("email column %+v %v, want 邮箱 in C", c, ok)
	}
	rows := readAll(t, r)
	want := [][]string{
		{"张伟", "zhang.wei@qq.com", "2024-03-05", "13800138000", "000042", "20"},
		{"李娜", "li.na@163.com", "2024-03-06", "13912345678", "000007", "50"},
		{"王芳", "王芳的邮箱", "", "123456789012345000", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		if !reflect.DeepEqual(rows[i].Values, w) {
			t.Errorf("row %d = %q, want %q", rows[i].Number, rows[i].Values, w)
		}
	}
	if rows[0].Number != 5 || rows[2].Number != 8 {
		t.Errorf("row numbers %d and %d, want 5 and 8 as Excel shows them", rows[0].Number, rows[2].Number)
	}
	if got := rows[2].Mailto(1); got != "wang.fang@126.com" {
		t.Errorf("mailto of C8 = %q, want wang.fang@126.com", got)
	}
}

func TestDatePatternOption(t *testing.T) {
	tab, err := Load(chineseCustomerBook(t), WithDatePattern("yyyy/m/d"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.Rows[0].Values[2]; got != "2024/3/5" {
		t.Errorf("date = %q, want 2024/3/5", got)
	}
	if _, err := Open("x.xlsx", WithDatePattern(" ")); err == nil || err.Error() != "recipients: date pattern is empty" {
		t.Errorf("empty pattern: %v", err)
	}
}
