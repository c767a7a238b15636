package recipients

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

func readTyped(t *testing.T, text string) (*Reader, [][]string, []int) {
	t.Helper()
	r, err := OpenTyped(text)
	if err != nil {
		t.Fatalf("OpenTyped(%q): %v", text, err)
	}
	defer r.Close()
	var rows [][]string
	var numbers []int
	for r.Next() {
		rows = append(rows, r.Row().Values)
		numbers = append(numbers, r.Row().Number)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return r, rows, numbers
}

// TestOpenTypedReadsEveryWayPeopleTypeAList: one per line, separated by
// ASCII or full-width punctuation, with the name before or after the
// address, quoted as Outlook copies it, or bare.
func TestOpenTypedReadsEveryWayPeopleTypeAList(t *testing.T) {
	text := "张伟 <zhang.wei@example.com>\n" +
		"li.na@example.cn；王芳 wang.fang@example.com\n" +
		"\"Smith, Bob\" <bob@example.org>; 'Ann Lee' <ann@example.org>, carl@example.org Carl\n\n" +
		"not-an-address\n"
	r, rows, numbers := readTyped(t, text)
	want := [][]string{
		{"张伟", "zhang.wei@example.com"}, {"", "li.na@example.cn"}, {"王芳", "wang.fang@example.com"},
		{"Smith, Bob", "bob@example.org"}, {"Ann Lee", "ann@example.org"}, {"Carl", "carl@example.org"},
		{"", "not-an-address"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n got %q\nwant %q", rows, want)
	}
	if !reflect.DeepEqual(numbers, []int{1, 2, 3, 4, 5, 6, 7}) || r.HeaderRow() != 0 {
		t.Errorf("numbers %v header %d: a typed list counts its recipients from 1", numbers, r.HeaderRow())
	}
	if got := r.Columns().Names(); !reflect.DeepEqual(got, []string{TypedNameColumn, TypedEmailColumn}) {
		t.Errorf("columns %v", got)
	}
	if col, ok := r.EmailColumn(); !ok || col.Name != TypedEmailColumn {
		t.Errorf("email column %v %v", col, ok)
	}
}

// TestOpenTypedReadsCellsCopiedFromExcel: tab-separated lines keep their
// columns (usable as merge fields), with or without a header line.
func TestOpenTypedReadsCellsCopiedFromExcel(t *testing.T) {
	r, rows, numbers := readTyped(t, "姓名\t邮箱\t金额\r\n张伟\tzhang@example.com\t1,280.00\r\n李娜\tli@example.cn\t56.50\r\n")
	if got := r.Columns().Names(); !reflect.DeepEqual(got, []string{"姓名", "邮箱", "金额"}) {
		t.Errorf("columns %v", got)
	}
	if col, _ := r.EmailColumn(); col.Name != "邮箱" {
		t.Errorf("email column %q", col.Name)
	}
	if !reflect.DeepEqual(rows, [][]string{{"张伟", "zhang@example.com", "1,280.00"}, {"李娜", "li@example.cn", "56.50"}}) ||
		!reflect.DeepEqual(numbers, []int{2, 3}) || r.HeaderRow() != 1 {
		t.Errorf("rows %q numbers %v header %d", rows, numbers, r.HeaderRow())
	}

	r, rows, _ = readTyped(t, "zhang@example.com\t张伟\nli@example.cn\t李娜\n")
	if got := r.Columns().Names(); !reflect.DeepEqual(got, []string{TypedEmailColumn, TypedNameColumn}) {
		t.Errorf("columns without header %v", got)
	}
	if len(rows) != 2 || rows[1][1] != "李娜" {
		t.Errorf("rows %q", rows)
	}
}

// TestTypedRecipientsAreCheckedLikeAFile: the same validation, duplicate
// and do-not-send checks as a spreadsheet.
func TestTypedRecipientsAreCheckedLikeAFile(t *testing.T) {
	supp, err := OpenSuppressionList(filepath.Join(t.TempDir(), "do-not-send.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := supp.Add("@blocked.example", ""); err != nil {
		t.Fatal(err)
	}
	r, err := OpenTyped("a@example.com, A@Example.com; x@blocked.example\nbob@@example.com")
	if err != nil {
		t.Fatal(err)
	}
	email, _ := r.EmailColumn()
	c, err := NewChecker(r.Path(), r.Sheet(), email, WithSuppression(supp))
	if err != nil {
		t.Fatal(err)
	}
	var skips []Skip
	for r.Next() {
		skips = append(skips, c.Check(r.Row()).Skip)
	}
	if want := []Skip{NotSkipped, SkipDuplicate, SkipSuppressed, SkipInvalid}; !reflect.DeepEqual(skips, want) {
		t.Errorf("skips %v, want %v", skips, want)
	}
}

func TestOpenTypedWithNothingTypedSaysWhatToDo(t *testing.T) {
	_, err := OpenTyped(" \n ;, \n")
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrNoData) || fe.Hint == "" {
		t.Fatalf("got %v", err)
	}
}
