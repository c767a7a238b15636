package booktest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Bomb is a crafted workbook that makes a reader without limits run out
// of memory, in one of the ways an .xlsx allows.
type Bomb struct {
	Name string
	// What says how it attacks.
	What  string
	Parts []Part
}

// Write writes the bomb as a workbook at path.
func (b Bomb) Write(path string) error { return WriteWorkbook(path, b.Parts...) }

// Size is how many bytes the bomb's crafted parts unpack to.
func (b Bomb) Size() int64 {
	var n int64
	for _, p := range b.Parts {
		n += p.Size()
	}
	return n
}

var header = InlineRow("Name", "Email")

// noise is text that deflate cannot shrink much, so a part made of it and
// of a repeated pattern packs to a chosen ratio.
func noise(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}

// Bombs lists one bomb of each kind. Each unpacks to far more than a real
// list of its size on disk would, yet stays under the limits it does not
// attack, so it tests the limit it is named after.
func Bombs() []Bomb {
	mb := strings.Repeat("A", 1<<20)
	// One sixteenth of a repeated block is noise: deflate packs such a
	// part about 80 times, under a 100-times rule for dense parts.
	lowRatio := func(pattern string, n int, seed uint64) string {
		return strings.Repeat(pattern, n) + "<!--" + noise(len(pattern)*n/80, seed) + "-->"
	}
	return []Bomb{{
		Name: "dense-cell",
		What: "one cell of 1.9 GB of text packed about 1,000 times (deflate's maximum), the classic zip bomb",
		Parts: []Part{{Name: SheetPart, Head: SheetHead + header + `<row><c t="inlineStr"><is><t>`,
			Body: mb, Times: 1900, Tail: `</t></is></c></row>` + SheetTail}},
	}, {
		Name: "long-cell",
		What: "one cell of 130 MB of text packed 80 times, so it is not dense",
		Parts: []Part{{Name: SheetPart, Head: SheetHead + header + `<row><c t="inlineStr"><is><t>ann@example.com</t></is></c><c t="inlineStr"><is><t>`,
			Body: strings.Repeat("A", 64<<10) + noise(800, 1), Times: 2000, Tail: `</t></is></c></row>` + SheetTail}},
	}, {
		Name: "dense-strings",
		What: "a shared string table of 3 million empty strings in 15 MB, just under the size excelize parses in memory",
		Parts: []Part{stringsSheet(), {Name: SharedStringsPart, Head: SharedStringsHead,
			Body: strings.Repeat("<si/>", 1024), Times: 3000, Tail: "</sst>"}},
	}, {
		Name: "many-strings",
		What: "a shared string table of 4 million empty strings packed 80 times, so it is streamed and not dense",
		Parts: []Part{stringsSheet(), {Name: SharedStringsPart, Head: SharedStringsHead,
			Body: lowRatio("<si/>", 4096, 2), Times: 1000, Tail: "</sst>"}},
	}, {
		Name: "dense-styles",
		What: "a style sheet of 3 million empty cell formats in 15 MB, which excelize parses while opening",
		Parts: []Part{SmallSheet([]string{"Name", "Email"}, []string{"Ann", "ann@example.com"}), {Name: StylesPart,
			Head: StylesHead + "<cellXfs>", Body: strings.Repeat("<xf/>", 1024), Times: 3000, Tail: "</cellXfs></styleSheet>"}},
	}, {
		Name: "overlapping-merges",
		What: "40,000 merged ranges that all cover the whole sheet, so each row would cost time in their number",
		Parts: []Part{{Name: SheetPart, Head: SheetHead + header + InlineRow("Ann", "ann@example.com") + "</sheetData><mergeCells>",
			Body: strings.Repeat(`<mergeCell ref="A1:XFD1048576"/>`, 1024), Times: 40, Tail: "</mergeCells></worksheet>"}},
	}, {
		Name: "wide-links",
		What: "400,000 mailto: links of 65,536 cells each",
		Parts: []Part{{Name: SheetPart, Head: SheetHead + header + InlineRow("Ann", "ann@example.com") + "</sheetData><hyperlinks>",
			Body: strings.Repeat(`<hyperlink ref="A1:P4096" r:id="rId1"/>`, 1024), Times: 400, Tail: "</hyperlinks></worksheet>"},
			{Name: "xl/worksheets/_rels/sheet1.xml.rels", Head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
				`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:ann@example.com" TargetMode="External"/>` +
				`</Relationships>`}},
	}}
}

// stringsSheet is a sheet whose second row uses the first shared string,
// so a reader has to load the table.
func stringsSheet() Part {
	return Part{Name: SheetPart, Head: SheetHead + header +
		`<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>ann@example.com</t></is></c></row>`, Tail: SheetTail}
}

// String describes the bomb.
func (b Bomb) String() string {
	return fmt.Sprintf("%s (%s)", b.Name, b.What)
}
