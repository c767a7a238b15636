package recipients

import (
	"sort"
	"strconv"
	"strings"
)

// A row's identity (docs/design.md, "Row identity") is defined here and
// nowhere else: the checker's duplicate detection, the campaign's journal
// rows, the window's display of a row and the journal's re-keying of
// older files all call these functions.

// RowKey is the identity of one message of a campaign: every address
// normalised as Address.Key does (trimmed, lower-cased, the domain in its
// ASCII/IDNA form), sorted, joined by ",", plus "#n" for the n-th
// occurrence (n ≥ 2) of the same addresses. So "王@例子.中国" and its
// punycode spelling, or a "together" cell with its addresses in another
// order, are the same row and are not sent twice. A domain never contains
// '#' or ',', so neither the suffix nor the separator can be confused with
// an address.
func RowKey(addresses []string, occurrence int) string {
	keys := make([]string, len(addresses))
	for i, a := range addresses {
		keys[i] = addressKey(a)
	}
	sort.Strings(keys)
	key := strings.Join(keys, ",")
	if occurrence > 1 {
		key += "#" + strconv.Itoa(occurrence)
	}
	return key
}

// SplitRowKey undoes RowKey: the normalised addresses and the occurrence
// (1 when the key has no "#n" suffix).
func SplitRowKey(key string) (addresses []string, occurrence int) {
	occurrence = 1
	if i := strings.LastIndexByte(key, '#'); i >= 0 {
		if n, err := strconv.Atoi(key[i+1:]); err == nil && n > 1 && !strings.ContainsAny(key[i+1:], "+-") {
			key, occurrence = key[:i], n
		}
	}
	return strings.Split(key, ","), occurrence
}

// RowKeyAddresses is the part of a key a person reads: its addresses,
// separated by ", ".
func RowKeyAddresses(key string) string {
	addrs, _ := SplitRowKey(key)
	return strings.Join(addrs, ", ")
}

// RowKeys numbers the occurrences of the same addresses in sheet order,
// so that the n-th message to the same addresses gets "#n". Give it every
// row of a campaign, skipped ones included (with the cell's text split
// at ","), in the order of the sheet.
type RowKeys struct {
	seen map[string]int
}

// NewRowKeys starts numbering for one campaign's rows.
func NewRowKeys() *RowKeys { return &RowKeys{seen: map[string]int{}} }

// Next returns the key of the next row sent to addresses.
func (k *RowKeys) Next(addresses []string) string {
	base := RowKey(addresses, 1)
	k.seen[base]++
	return RowKey(addresses, k.seen[base])
}
