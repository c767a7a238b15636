package recipients

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// add puts entries on the list at path with note, through the one way
// to change it.
func add(t *testing.T, path, note string, entries ...string) {
	t.Helper()
	err := UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error {
		for _, e := range entries {
			if err := l.Add(e, note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSuppressionListPersistsAndMatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "suppression.txt")
	add(t, path, "by hand", "Bob@Example.com", "@competitor.cn", "*@spam.test", "例子.中国")
	err := UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error { return l.Add("not an address", "") })
	if err == nil {
		t.Error("Add accepted garbage")
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
	err = UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error {
		if !l.Remove("bob@example.com") || l.Remove("bob@example.com") {
			t.Error("Remove did not report presence correctly")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ = OpenSuppressionList(path); len(again.Entries()) != 3 {
		t.Errorf("after Remove: %+v", again.Entries())
	}
}

func TestSuppressionListBadLineNamesTheLine(t *testing.T) {
	path := writeText(t, "suppression.txt", "# list\nok@x.com\nnot valid\n")
	_, err := OpenSuppressionList(path)
	want := `suppression.txt, row 3: "not valid" is neither an address nor a domain: the domain "not valid" has no dot (like example.com) — correct or delete that line of the do-not-send list`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	// A list that cannot be read is never overwritten by a change.
	before, _ := os.ReadFile(path)
	if err := UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error { return l.Add("a@b.com", "") }); err == nil {
		t.Error("a change to an unreadable list succeeded")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("the unreadable list was rewritten:\n%s", after)
	}
}

func TestSuppressionImport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.txt")
	csv := writeText(t, "unsubscribed.csv", "Email,Date,Website\r\nA@x.com,2024-01-01,acme.com\r\nb@y.com; c@z.com,,\r\n@blocked.org,,\r\na@X.com,,\r\n")
	got, err := ReadSuppressionFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	if want := []SuppressionEntry{{Value: "a@x.com"}, {Value: "b@y.com"}, {Value: "c@z.com"}, {Value: "@blocked.org"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("read %+v, want %+v", got, want)
	}
	n, err := ImportSuppressions(context.Background(), path, csv, "unsubscribed")
	if err != nil || n != 4 {
		t.Fatalf("imported %d, %v; want 4", n, err)
	}
	s, _ := OpenSuppressionList(path)
	if _, ok := s.Match("x@acme.com"); ok {
		t.Error("a website column must not block a whole domain")
	}
	f := excelize.NewFile()
	set(t, f, "Sheet1", "A1", "a@x.com") // no header, already known
	set(t, f, "Sheet1", "A2", "new@x.com")
	n, err = ImportSuppressions(context.Background(), path, writeBook(t, f, "bounces.xlsx"), "bounced")
	if err != nil || n != 1 {
		t.Fatalf("imported %d, %v; want 1", n, err)
	}
	s, _ = OpenSuppressionList(path)
	if e, ok := s.Match("new@x.com"); !ok || e.Note != "bounced" {
		t.Errorf("Match = %+v %v", e, ok)
	}
	if e, _ := s.Match("a@x.com"); e.Note != "unsubscribed" {
		t.Errorf("an import replaced the note of a known entry: %+v", e)
	}
	if _, err := ImportSuppressions(context.Background(), path, filepath.Join("testdata", "legacy.xls"), ""); err == nil {
		t.Error("import of a legacy .xls succeeded")
	}
}

// TestSuppressionChangeLeavesOnlyTheList: no temporary file and no lock
// file stay in the folder after a change, and a change that changes
// nothing does not rewrite the file (a hand-written layout stays).
func TestSuppressionChangeLeavesOnlyTheList(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.txt")
	add(t, path, "", "a@b.com")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want only the list", len(entries))
	}
	hand := "# my own list\nA@B.com   # already here\n"
	if err := os.WriteFile(path, []byte(hand), 0o600); err != nil {
		t.Fatal(err)
	}
	add(t, path, "already here", "a@b.com")
	err := UpdateSuppressionList(context.Background(), path, func(l *SuppressionList) error {
		l.Remove("nobody@b.com")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != hand {
		t.Errorf("a change that changed nothing rewrote the file:\n%s", got)
	}
}

// TestSuppressionWatchReadsOnlyAChangedFile: Current returns the same list
// while the file is unchanged, the new one after a change, an empty one
// once the file is gone, and an error (not the last list) when the file
// can no longer be read.
func TestSuppressionWatchReadsOnlyAChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "do-not-send.txt")
	w, err := WatchSuppressionList(path)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := w.Current()
	if again, _ := w.Current(); again != first || len(first.Entries()) != 0 {
		t.Fatalf("no file: %+v, read again: %v", first.Entries(), again != first)
	}
	add(t, path, "", "a@b.com")
	second, err := w.Current()
	if err != nil || second == first {
		t.Fatalf("after a change: same list %v, %v", second == first, err)
	}
	if _, ok := second.Match("a@b.com"); !ok {
		t.Error("the change is not seen")
	}
	if again, _ := w.Current(); again != second {
		t.Error("an unchanged file was read again")
	}
	if err := os.WriteFile(path, []byte("a@b.com\nnot an address\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := w.Current(); err == nil {
		t.Errorf("a broken list gave %+v, want an error", l.Entries())
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if l, err := w.Current(); err != nil || len(l.Entries()) != 0 {
		t.Errorf("a removed list: %v, %v", l, err)
	}
}
