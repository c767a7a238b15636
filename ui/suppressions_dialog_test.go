package ui

import (
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeSuppressions is the do-not-send list in memory; like the real one
// it is a file, so a call on the UI goroutine fails the test.
type fakeSuppressions struct {
	ui      *uiGoroutine
	mu      sync.Mutex
	entries []string
	file    []string // what ImportFile reads
}

func (f *fakeSuppressions) List() ([]string, error) {
	f.ui.check("Suppressions.List")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.entries...), nil
}

func (f *fakeSuppressions) Add(entries ...string) error {
	f.ui.check("Suppressions.Add")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, entries...)
	return nil
}

func (f *fakeSuppressions) Remove(entry string) error {
	f.ui.check("Suppressions.Remove")
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, e := range f.entries {
		if e == entry {
			f.entries = append(f.entries[:i], f.entries[i+1:]...)
		}
	}
	return nil
}

func (f *fakeSuppressions) ImportFile(string) (int, error) {
	f.ui.check("Suppressions.ImportFile")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, f.file...)
	return len(f.file), nil
}

// TestDoNotSendListWorksOffTheUIGoroutine: listing, adding, removing and
// importing a workbook into the do-not-send list never block the window.
func TestDoNotSendListWorksOffTheUIGoroutine(t *testing.T) {
	test.NewTempApp(t)
	supp := &fakeSuppressions{ui: onThisGoroutine(t), entries: []string{"@spam.example"}, file: []string{"a@example.com", "b@example.com"}}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	changes := 0
	e := newSuppressionEditor(supp, w, b, func() { changes++ })
	w.SetContent(e.content)
	b.wait()
	if len(e.entries) != 1 {
		t.Fatalf("entries %v", e.entries)
	}
	test.Type(e.input, "zhang@example.com")
	test.Tap(e.add)
	b.wait()
	e.importPath("/data/退订.xlsx") // what the file dialog calls
	b.wait()
	if !strings.Contains(dialogText(w), "2 entries added.") {
		t.Errorf("after the import: %q", dialogText(w))
	}
	e.list.Select(0)
	test.Tap(e.remove)
	b.wait()
	if len(e.entries) != 3 || changes != 3 {
		t.Errorf("entries %v after %d changes", e.entries, changes)
	}
	label := widget.NewLabel("")
	e.list.UpdateItem(0, label)
	if label.Text != "zhang@example.com" {
		t.Errorf("first entry %q", label.Text)
	}
}
