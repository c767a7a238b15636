package recipients

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/recipients/booktest"
)

// TestCraftedWorkbooksAreRefused opens each kind of zip bomb: every one
// is refused with a message naming the file, the limit and what to do,
// before it can cost memory (cmd/mailroom measures that with the real
// binary).
func TestCraftedWorkbooksAreRefused(t *testing.T) {
	want := map[string]struct {
		kind error
		says string
	}{
		"dense-cell":         {ErrTooLarge, "more than 100 times their packed size"},
		"long-cell":          {ErrTooLarge, "holds more than 1 MB of text"},
		"dense-strings":      {ErrTooLarge, "of memory Mailroom allows for a file of"},
		"many-strings":       {ErrTooLarge, "of memory Mailroom allows for a file of"},
		"dense-styles":       {ErrTooLarge, "of memory Mailroom allows for a file of"},
		"overlapping-merges": {ErrCorrupt, "its merged cells overlap"},
		"wide-links":         {ErrTooLarge, "of memory Mailroom allows for a file of"},
	}
	for _, bomb := range booktest.Bombs() {
		t.Run(bomb.Name, func(t *testing.T) {
			w, ok := want[bomb.Name]
			if !ok {
				t.Fatalf("no expectation for %s", bomb)
			}
			path := filepath.Join(t.TempDir(), bomb.Name+".xlsx")
			if err := bomb.Write(path); err != nil {
				t.Fatal(err)
			}
			r, err := Open(path)
			if err == nil {
				r.Close()
				t.Fatalf("%s opened", bomb)
			}
			if !errors.Is(err, w.kind) {
				t.Errorf("error %v is not %v", err, w.kind)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, bomb.Name+".xlsx") || !strings.Contains(msg, w.says) {
				t.Errorf("message %q does not name the file and say %q", msg, w.says)
			}
			if w.kind == ErrTooLarge && !strings.Contains(msg, "save it again") {
				t.Errorf("message %q does not say what to do", msg)
			}
			var fe *FileError
			if errors.As(err, &fe) && w.kind == ErrTooLarge && fe.Text == nil {
				t.Errorf("no text for the window: %q", msg)
			}
		})
	}
}

// TestOverlappingZipEntriesAreRefused: entries that claim more packed
// bytes than the file holds are how one packed stream is unpacked many
// times over.
func TestOverlappingZipEntriesAreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "overlap.xlsx")
	if err := booktest.WriteWorkbook(path, booktest.SmallSheet([]string{"Email"}, []string{"ann@example.com"})); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Claim a packed size as large as the file for the first entry of the
	// central directory.
	i := strings.Index(string(data), "PK\x01\x02")
	binary.LittleEndian.PutUint32(data[i+20:], uint32(len(data)))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "claim more space than the file has") {
		t.Fatalf("Open: %v, want a damaged-file error", err)
	}
}

// TestRealListsStayWellWithinTheirBudget: the limits are generous for
// real lists. A list whose strings are all different (the densest string
// table a real list has) uses under half of what it is allowed.
func TestRealListsStayWellWithinTheirBudget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.xlsx")
	if err := booktest.WriteList(path, 5_000); err != nil {
		t.Fatal(err)
	}
	streamed := func(c *config) error { c.lowMemory, c.xmlLimit = true, 64<<10; return nil }
	for _, opts := range [][]Option{nil, {streamed}} {
		r, err := Open(path, opts...)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for r.Next() {
			n++
		}
		if err := r.Err(); err != nil || n != 5_000 {
			t.Fatalf("read %d rows: %v", n, err)
		}
		used, limit := r.budget.used.Load(), r.budget.limit
		r.Close()
		t.Logf("shared strings on disk %v: estimated %d MB of %d MB allowed", opts != nil, used>>20, limit>>20)
		if used == 0 || used > limit/2 {
			t.Errorf("a real list is estimated at %d of its %d bytes", used, limit)
		}
	}
}
