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
// is close enough to be a plausible typo: "did you mean {{姓名}}?" must
// only be asked when the user probably meant it.
func (c *Columns) Suggest(name string) string {
	want := []rune(normalizeName(name))
	best, bestDist := "", -1
	for _, h := range c.names {
		d := editDistance(want, []rune(normalizeName(h)))
		if bestDist < 0 || d < bestDist {
			best, bestDist = h, d
		}
	}
	if bestDist < 0 || bestDist > typoLimit(len(want), len([]rune(normalizeName(best)))) {
		return ""
	}
	return best
}

// typoLimit is how many edits (a wrong, missing, extra or swapped
// character) still read as a typo of a name: one for names of up to five
// characters, then one in three. So "Nmae" is Name and "Frist Name" is
// First Name, while two-character Chinese names need one character right:
// 姓明 is 姓名, 金额 and 城市 are not.
func typoLimit(a, b int) int {
	n := max(a, b)
	if n <= 5 {
		return 1
	}
	return n / 3
}

func normalizeName(s string) string {
	s = norm.NFKC.String(s)
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
}

// editDistance is the optimal string alignment distance between a and b:
// Levenshtein's insertions, deletions and substitutions, plus swapping two
// neighbouring characters as one edit, the commonest typo ("Nmae").
func editDistance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
