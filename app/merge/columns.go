package merge

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Columns is the header row of the recipient table, in column order.
// Templates refer to columns by header text; the match forgives case,
// surrounding or repeated spaces and full-width letters (ＶＩＰ = VIP), as
// long as it stays unambiguous.
type Columns struct {
	names []string
	exact map[string]int
	loose map[string]int // normalised name → index, -1 when ambiguous
}

// NewColumns indexes the header texts. When two columns share a header,
// the first one wins, as it is the one the user sees first.
func NewColumns(headers []string) *Columns {
	c := &Columns{
		names: append([]string(nil), headers...),
		exact: make(map[string]int, len(headers)),
		loose: make(map[string]int, len(headers)),
	}
	for i, h := range headers {
		if _, dup := c.exact[h]; !dup {
			c.exact[h] = i
		}
		k := normalizeName(h)
		switch j, seen := c.loose[k]; {
		case !seen:
			c.loose[k] = i
		case j >= 0 && headers[j] != h:
			c.loose[k] = -1 // "Name" and "name": only the exact text decides
		}
	}
	return c
}

// Names returns the header texts in column order.
func (c *Columns) Names() []string { return append([]string(nil), c.names...) }

// Index finds the column a template name refers to.
func (c *Columns) Index(name string) (int, bool) {
	if i, ok := c.exact[name]; ok {
		return i, true
	}
	if i, ok := c.exact[strings.TrimSpace(name)]; ok {
		return i, true
	}
	i, ok := c.loose[normalizeName(name)]
	return i, ok && i >= 0
}

// Suggest returns the existing column closest to name, or "" when nothing
// is close enough to be a plausible typo.
func (c *Columns) Suggest(name string) string {
	want := []rune(normalizeName(name))
	best, bestDist := "", -1
	for _, h := range c.names {
		d := editDistance(want, []rune(normalizeName(h)))
		if bestDist < 0 || d < bestDist {
			best, bestDist = h, d
		}
	}
	// A third of the name may be wrong (at least two characters): enough
	// for typos and missing spaces, not for unrelated names.
	if bestDist < 0 || bestDist > max(2, len(want)/3) {
		return ""
	}
	return best
}

func normalizeName(s string) string {
	s = norm.NFKC.String(s)
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
