package inbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/app/recipients"
)

// TestSuppressKeepsAConcurrentRemoval: the fetch puts a hard-bounced
// address on the do-not-send list while the window's dialog is in the
// middle of removing another entry (it has read the list and not yet
// written it). The fetch waits for the dialog's change, then adds its
// address to what the dialog wrote: both changes hold. Before the list
// had a lock, the fetch read the old file and wrote it back with its
// addition, and the dialog's write then dropped the addition.
func TestSuppressKeepsAConcurrentRemoval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "do-not-send.txt")
	if err := os.WriteFile(path, []byte("removed@example.com\nkept@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	obs := journal.Observation{Key: "k1", Kind: journal.ObservedBounceHard, Source: "<dsn1@mx>", Status: "5.1.1"}
	matches := []match{{obs: obs, suppress: "bounced@example.com"}}
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)

	inside, finish, removed := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		removed <- recipients.UpdateSuppressionList(context.Background(), path, func(l *recipients.SuppressionList) error {
			l.Remove("removed@example.com")
			close(inside)
			<-finish
			return nil
		})
	}()
	<-inside
	brief, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := suppress(brief, path, matches, []journal.Observation{obs}, "March", now); !errors.Is(err, recipients.ErrSuppressionListBusy) {
		t.Fatalf("suppress while the dialog changes the list: %v, want it to wait (ErrSuppressionListBusy once its context ends)", err)
	}
	fetched := make(chan error, 1)
	go func() {
		_, err := suppress(context.Background(), path, matches, []journal.Observation{obs}, "March", now)
		fetched <- err
	}()
	close(finish)
	if err := <-removed; err != nil {
		t.Fatal(err)
	}
	if err := <-fetched; err != nil {
		t.Fatal(err)
	}
	list, err := recipients.OpenSuppressionList(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list.Entries() {
		got = append(got, e.Value)
	}
	if strings.Join(got, " ") != "bounced@example.com kept@example.com" {
		t.Errorf("list %v: want the dialog's removal and the fetch's addition both kept", got)
	}
	if e, _ := list.Match("bounced@example.com"); !strings.Contains(e.Note, "bounced 2025-03-04 5.1.1") {
		t.Errorf("bounced entry's note %q", e.Note)
	}
}
