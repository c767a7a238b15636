package recipients

import (
	"slices"
	"testing"
)

func TestRowKeyIsOneIdentityPerMailbox(t *testing.T) {
	same := [][]string{
		{"wang@bücher.example"},
		{"wang@xn--bcher-kva.example"},
		{" Wang@Bücher.Example "},
	}
	for _, addrs := range same[1:] {
		if RowKey(addrs, 1) != RowKey(same[0], 1) {
			t.Errorf("%q keyed %q, %q keyed %q", addrs, RowKey(addrs, 1), same[0], RowKey(same[0], 1))
		}
	}
	if a, b := RowKey([]string{"zhao@y.example", "li@x.example"}, 1), RowKey([]string{"LI@x.example", "zhao@y.example"}, 1); a != b || a != "li@x.example,zhao@y.example" {
		t.Errorf("together keys %q and %q, want both li@x.example,zhao@y.example", a, b)
	}
	if k := RowKey([]string{"a#b@example.com"}, 3); k != "a#b@example.com#3" {
		t.Errorf("key %q", k)
	}
	for _, k := range []string{"a@example.com", "a#b@example.com#3", "li@x.example,zhao@y.example#2", "not an address", "abc#0", "x#+2"} {
		addrs, n := SplitRowKey(k)
		if got := RowKey(addrs, n); got != k {
			t.Errorf("SplitRowKey(%q) = %q, %d; keyed again %q", k, addrs, n, got)
		}
	}
	if got := RowKeyAddresses("li@x.example,zhao@y.example#2"); got != "li@x.example, zhao@y.example" {
		t.Errorf("RowKeyAddresses = %q", got)
	}
}

func TestRowKeysNumberOccurrencesInOrder(t *testing.T) {
	k := NewRowKeys()
	var got []string
	for _, addrs := range [][]string{{"a@x.com"}, {"b@x.com"}, {"A@X.com"}, {"a@x.com", "b@x.com"}, {"b@x.com", "a@x.com"}, {"a@x.com"}} {
		got = append(got, k.Next(addrs))
	}
	want := []string{"a@x.com", "b@x.com", "a@x.com#2", "a@x.com,b@x.com", "a@x.com,b@x.com#2", "a@x.com#3"}
	if !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
}
