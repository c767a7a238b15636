package recipients

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestSuppressionListPersistsAndMatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "suppression.txt")
	s, err := OpenSuppressionList(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"Bob@Example.com", "@competitor.cn", "*@spam.test", "例子.中国"} {
		if err := s.Add(e, "by hand"); err != nil {
			t.Fatalf("Add(%q): %v", e, err)
		}
	}
	if err := s.Add("not an address", ""); err == nil {
		t.Error("Add accepted garbage")
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := OpenSuppressionList(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []SuppressionEntry{
		{Value: "@competitor.cn", Note: "by hand"}, {Value: "@spam.test", Note: "by hand"},
		{Value: "@xn--fsqu00a.xn--fiqs8s", Note: "by hand"}, {Value: "bob@example.com", Note: "by hand"},
	}
	if got := again.Entries(); !reflect.DeepEqual(got, want) {
		t.Fatalf("reloaded %+v, want %+v", got, want)
	}
	for addr, blocked := range map[string]bool{
		"BOB@example.com ": true, "alice@example.com": false, "x@competitor.cn": true,
		"x@mail.competitor.cn": true, "x@notcompetitor.cn": false, "用户@例子.中国": true,
	} {
		if _, got := again.Match(addr); got != blocked {
			t.Errorf("Match(%q) = %v, want %v", addr, got, blocked)
		}
	}
	if !again.Remove("bob@example.com") || again.Remove("bob@example.com") {
		t.Error("Remove did not report presence correctly")
	}
}

func TestSuppressionListBadLineNamesTheLine(t *testing.T) {
	path := writeText(t, "suppression.txt", "# list\nok@x.com\nnot valid\n")
	_, err := OpenSuppressionList(path)
	want := `suppression.txt, row 3: "not valid" is neither an address nor a domain: the domain "not valid" has no dot (like example.com) — correct or delete that line of the do-not-send list`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}

func TestSuppressionImport(t *testing.T) {
	s, _ := OpenSuppressionList(filepath.Join(t.TempDir(), "s.txt"))
	csv := writeText(t, "unsubscribed.csv", "Email,Date,Website\r\nA@x.com,2024-01-01,acme.com\r\nb@y.com; c@z.com,,\r\n@blocked.org,,\r\n")
	n, err := s.Import(csv, "unsubscribed")
	if err != nil || n != 4 {
		t.Fatalf("imported %d, %v; want 4", n, err)
	}
	if _, ok := s.Match("x@acme.com"); ok {
		t.Error("a website column must not block a whole domain")
	}
	f := excelize.NewFile()
	set(t, f, "Sheet1", "A1", "a@x.com") // no header, already known
	set(t, f, "Sheet1", "A2", "new@x.com")
	n, err = s.Import(writeBook(t, f, "bounces.xlsx"), "bounced")
	if err != nil || n != 1 {
		t.Fatalf("imported %d, %v; want 1", n, err)
	}
	if e, ok := s.Match("new@x.com"); !ok || e.Note != "bounced" {
		t.Errorf("Match = %+v %v", e, ok)
	}
	if _, err := s.Import(filepath.Join("testdata", "legacy.xls"), ""); err == nil {
		t.Error("import of a legacy .xls succeeded")
	}
}

func TestSuppressionSaveLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	s, _ := OpenSuppressionList(filepath.Join(dir, "s.txt"))
	_ = s.Add("a@b.com", "")
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want only the list", len(entries))
	}
}
