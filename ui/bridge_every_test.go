package ui

import (
	"testing"
	"time"
)

// TestLatestEverySpacesUpdatesAndShowsTheNewest: a fast producer gets one
// update at once, then at most one per interval, and the newest value is
// always applied in the end.
func TestLatestEverySpacesUpdatesAndShowsTheNewest(t *testing.T) {
	b := newTestBridge()
	var got []int
	l := newLatestEvery(b, 30*time.Millisecond, func(v int) { got = append(got, v) })
	l.post(1)
	b.flush()
	for i := 2; i <= 100; i++ {
		l.post(i)
	}
	b.flush()
	if len(got) != 1 || got[0] != 1 {
		t.Fatalf("applied %v before the interval passed", got)
	}
	deadline := time.Now().Add(time.Minute) // a bound for a hung test, not a timing assertion
	for got[len(got)-1] != 100 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		b.flush()
	}
	if len(got) != 2 || got[1] != 100 {
		t.Errorf("applied %v, want [1 100]", got)
	}
}
