package recipients

import (
	"path/filepath"
	"slices"
	"testing"

	"mailroom/app/recipients/booktest"
)

// TestLowMemoryReadsTheSameRows: with the shared strings read from disk,
// every row reads exactly as it does from memory.
func TestLowMemoryReadsTheSameRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.xlsx")
	// 2,000 rows hold about 9,000 distinct strings (a table of 250 KB),
	// read from disk past a 64 KB limit as a large table is past 1 MB.
	if err := booktest.WriteList(path, 2_000); err != nil {
		t.Fatal(err)
	}
	read := func(opts ...Option) []Row {
		r, err := Open(path, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var rows []Row
		for r.Next() {
			rows = append(rows, r.Row())
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	withLimit := func(c *config) error { c.lowMemory, c.xmlLimit = true, 64<<10; return nil }
	want, got := read(), read(withLimit)
	if len(want) != 2_000 || len(got) != len(want) {
		t.Fatalf("read %d rows from memory, %d from disk", len(want), len(got))
	}
	for i := range want {
		if want[i].Number != got[i].Number || !slices.Equal(want[i].Values, got[i].Values) {
			t.Fatalf("row %d: %q from memory, %q from disk", want[i].Number, want[i].Values, got[i].Values)
		}
	}
	if got[0].Values[1] != "customer2@example.com" {
		t.Errorf("first row %q", got[0].Values)
	}
}
