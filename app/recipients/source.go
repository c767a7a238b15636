package recipients

// rawRow is one spreadsheet row before the header is applied: cells are
// indexed from column A (0) and hold what the user sees.
type rawRow struct {
	number int
	cells  []string
	hidden bool
	// filled counts the cells holding a value of their own, not one copied
	// from a merged range; a title merged across the sheet counts once.
	filled int
	// mailto holds the address of a mailto: hyperlink per column index.
	mailto map[int]string
}

func (r *rawRow) empty() bool { return r.filled == 0 && len(r.mailto) == 0 }

// source yields the rows of one sheet or text file in order.
type source interface {
	next() bool
	row() *rawRow
	err() error
	close() error
}

func countFilled(cells []string) int {
	n := 0
	for _, c := range cells {
		if c != "" {
			n++
		}
	}
	return n
}
