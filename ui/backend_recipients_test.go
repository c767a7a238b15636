package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecipientSourceReportsTheFirstRowsEarly(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Name;Email\n")
	for i := 1; i <= 1200; i++ {
		fmt.Fprintf(&b, "P%d;p%d@example.com\n", i, i)
	}
	path := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	src := &recipientSource{supp: newSuppressionStore(dir)}
	var snapshots []*RecipientList
	l, err := src.Import(context.Background(), ImportOptions{Path: path, Rows: "2-1001"}, func(s *RecipientList) { snapshots = append(snapshots, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(snapshots) < 2 || len(snapshots[0].Rows) != firstRows || snapshots[0].Columns[1] != "Email" {
		t.Fatalf("first snapshot has %d rows", len(snapshots[0].Rows))
	}
	if snapshots[0].Rows[0].Values[1] != "p1@example.com" {
		t.Errorf("first snapshot row %v", snapshots[0].Rows[0].Values)
	}
	if len(l.Rows) != 1200 || l.Count(RowReady) != 1000 || l.Count(RowFiltered) != 200 {
		t.Errorf("%d rows, %d ready, %d filtered out", len(l.Rows), l.Count(RowReady), l.Count(RowFiltered))
	}
}

func TestRecipientSourceNamesABadFilter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(path, []byte("Name,Email\nA,a@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := &recipientSource{}
	_, err := src.Import(context.Background(), ImportOptions{Path: path, Where: []string{"Staus != sent"}}, func(*RecipientList) {})
	if err == nil || !strings.Contains(err.Error(), "Staus") {
		t.Errorf("error %v should name the unknown column", err)
	}
}

func TestSuppressionStorePersistsForEveryCampaign(t *testing.T) {
	dir := t.TempDir()
	s := newSuppressionStore(dir)
	if err := s.Add("Bob@Example.com", "@spam.example"); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, "unsubscribed.txt")
	if err := os.WriteFile(list, []byte("carol@example.com\nnot an address\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ImportFile(list); err != nil || n != 1 {
		t.Fatalf("imported %d, %v", n, err)
	}
	if err := s.Remove("@spam.example"); err != nil {
		t.Fatal(err)
	}
	got, err := newSuppressionStore(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "bob@example.com,carol@example.com" {
		t.Errorf("list after reopening: %v", got)
	}
}
