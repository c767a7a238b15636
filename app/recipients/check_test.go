package recipients

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// checkAll runs the checker over every row of a CSV with header
// "Name,Email,Status" and returns the verdicts.
func checkAll(t *testing.T, csv string, opts ...CheckOption) ([]CheckedRow, *Table) {
	t.Helper()
	tab, err := Load(writeText(t, "customers.csv", csv))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewChecker(tab.File, tab.Sheet, tab.Email, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var out []CheckedRow
	for _, r := range tab.Rows {
		out = append(out, c.Check(r))
	}
	return out, tab
}

func keys(rs []Recipient) []string {
	var k []string
	for _, r := range rs {
		k = append(k, r.Key)
	}
	return k
}

func messages(ps Problems) []string {
	var m []string
	for _, p := range ps {
		m = append(m, p.Severity.String()+": "+p.Error())
	}
	return m
}

const sampleList = "Name,Email,Status\r\n" +
	"Bob,bob@@x,\r\n" + // row 2
	"Ann,Ann@Example.com,sent\r\n" + // row 3
	"Ann again, ann@example.com ,\r\n" + // row 4
	"Two,\"c@x.com; d@y.org\",\r\n" + // row 5
	"Typo,li@gmial.com,\r\n" + // row 6
	"Empty,,\r\n" + // row 7
	"Blocked,x@spam.example,\r\n" // row 8

func TestCheckerReportsEveryProblemWithRowAndColumn(t *testing.T) {
	list, err := OpenSuppressionList(filepath.Join(t.TempDir(), "suppression.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := list.Add("@spam.example", "complained"); err != nil {
		t.Fatal(err)
	}
	rows, _ := checkAll(t, sampleList, WithSuppression(list))
	var got []string
	var skips []Skip
	var sent [][]string
	for _, r := range rows {
		got = append(got, messages(r.Problems)...)
		skips = append(skips, r.Skip)
		sent = append(sent, keys(r.Recipients))
	}
	want := []string{
		`blocking: customers.csv, row 2, column "Email": "bob@@x" is not a valid address — correct it or exclude the row`,
		`warning: customers.csv, row 4, column "Email": "ann@example.com" already appears on row 3 — it gets one message; choose to keep duplicates to send again`,
		`warning: customers.csv, row 6, column "Email": "li@gmial.com": the domain "gmial.com" looks like a typo of gmail.com — correct it if so; otherwise this message can be ignored`,
		`blocking: customers.csv, row 7, column "Email": the address is empty — fill it in or exclude the row`,
		`warning: customers.csv, row 8, column "Email": "x@spam.example" is in spam.example, which is on the do-not-send list — it will be skipped; remove it from the do-not-send list to mail it`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantSkips := []Skip{SkipInvalid, NotSkipped, SkipDuplicate, NotSkipped, NotSkipped, SkipInvalid, SkipSuppressed}
	if !reflect.DeepEqual(skips, wantSkips) {
		t.Errorf("skips %v, want %v", skips, wantSkips)
	}
	wantSent := [][]string{nil, {"ann@example.com"}, nil, {"c@x.com", "d@y.org"}, {"li@gmial.com"}, nil, nil}
	if !reflect.DeepEqual(sent, wantSent) {
		t.Errorf("recipients %q, want %q", sent, wantSent)
	}
}

func TestCheckerKeepAllAndTogether(t *testing.T) {
	rows, _ := checkAll(t, sampleList, WithDuplicates(KeepAll), WithMultiAddress(TogetherAddresses))
	if got := keys(rows[2].Recipients); !reflect.DeepEqual(got, []string{"ann@example.com#2"}) {
		t.Errorf("kept duplicate key %q", got)
	}
	r := rows[3].Recipients
	if len(r) != 1 || len(r[0].Addresses) != 2 || r[0].Key != "c@x.com,d@y.org" {
		t.Errorf("together recipient %+v", r)
	}
	for _, p := range rows[2].Problems {
		if p.Code == "duplicate" {
			t.Errorf("keep-all still reported %v", p)
		}
	}
}

func TestCheckerFilterExcludesWithoutProblems(t *testing.T) {
	tab, err := Load(writeText(t, "c.csv", sampleList))
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFilter(tab.Columns, "3-6", []string{"Status != sent"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewChecker(tab.File, "", tab.Email, WithFilter(f))
	var included []int
	for _, r := range tab.Rows {
		v := c.Check(r)
		if v.Skip == SkipFiltered {
			if len(v.Problems) > 0 {
				t.Errorf("filtered row %d has problems %v", r.Number, v.Problems)
			}
			continue
		}
		included = append(included, r.Number)
	}
	// row 3 is "sent"; row 4 is then the first Ann and gets no duplicate warning
	if !reflect.DeepEqual(included, []int{4, 5, 6}) {
		t.Errorf("included rows %v, want [4 5 6]", included)
	}
}

func TestCheckerUsesMailtoLinkWhenCellShowsAName(t *testing.T) {
	tab, err := Load(chineseCustomerBook(t))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewChecker(tab.File, tab.Sheet, tab.Email)
	v := c.Check(tab.Rows[2])
	if len(v.Problems) != 0 || keys(v.Recipients)[0] != "wang.fang@126.com" {
		t.Errorf("row 8: %v %v", v.Problems, v.Recipients)
	}
}

func TestPolicyParsing(t *testing.T) {
	if m, err := ParseMultiAddress("Together"); err != nil || m != TogetherAddresses {
		t.Error("together")
	}
	if d, err := ParseDuplicatePolicy(""); err != nil || d != SendOnce {
		t.Error("default once")
	}
	if _, err := ParseDuplicatePolicy("twice"); err == nil || err.Error() != `duplicates must be "once" or "keep", not "twice"` {
		t.Errorf("bad policy error %v", err)
	}
	if _, err := NewChecker("f", "", Column{}, WithDuplicates(DuplicatePolicy(7))); err == nil {
		t.Error("invalid option accepted")
	}
}

func TestNoEmailColumnProblem(t *testing.T) {
	tab, err := Load(writeText(t, "phones.csv", "Name,Phone\r\nBob,555\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.HasEmail {
		t.Fatalf("found email column %q in a list without addresses", tab.Email.Name)
	}
	p := NoEmailColumn(tab.File, tab.Sheet, tab.Columns)
	want := "phones.csv: no column holds email addresses — choose the address column (one of: Name, Phone)"
	if p.Error() != want || p.Severity != Blocking {
		t.Errorf("got %q (%v), want %q", p.Error(), p.Severity, want)
	}
}
