package recipients

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// SheetInfo describes one worksheet for the sheet picker.
type SheetInfo struct {
	Name   string
	Hidden bool
}

// sheetPart is a worksheet and where its XML lives in the package.
type sheetPart struct {
	SheetInfo
	part string // e.g. "xl/worksheets/sheet1.xml"
}

// packageIndex maps sheet names to their XML parts. excelize keeps that
// mapping private, and reading merged cells or hyperlinks through its
// public API loads the whole worksheet into memory, so the few extras the
// streaming reader needs are read straight from the package instead.
type packageIndex struct {
	path   string
	zr     *zip.ReadCloser
	files  map[string]*zip.File // lower-cased, slash-separated names
	sheets []sheetPart
	// budget is what reading the workbook may cost in memory; every part
	// read whole, here or by excelize, is measured against it first.
	budget *memoryBudget
	// inMemory is excelize's UnzipXMLSizeLimit for this file.
	inMemory int64
}

// openPackage indexes the package and measures the parts excelize will
// hold in memory (see meterHeldParts), so it must run before excelize
// opens the file.
func openPackage(file string, budget *memoryBudget, inMemory int64) (*packageIndex, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	p := &packageIndex{path: file, zr: zr, files: make(map[string]*zip.File, len(zr.File)), budget: budget, inMemory: inMemory}
	for _, f := range zr.File {
		p.files[partKey(f.Name)] = f
	}
	if err := p.meterHeldParts(); err != nil {
		zr.Close()
		return nil, err
	}
	if err := p.readSheets(); err != nil {
		zr.Close()
		return nil, err
	}
	return p, nil
}

func (p *packageIndex) Close() error { return p.zr.Close() }

type xmlRel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func (p *packageIndex) rels(name string) (map[string]xmlRel, error) {
	var doc struct {
		Rels []xmlRel `xml:"Relationship"`
	}
	if err := p.decode(name, &doc); err != nil {
		return nil, err
	}
	m := make(map[string]xmlRel, len(doc.Rels))
	for _, r := range doc.Rels {
		m[r.ID] = r
	}
	return m, nil
}

func (p *packageIndex) decode(name string, v any) error {
	f, ok := p.files[strings.ToLower(name)]
	if !ok {
		return errors.New("missing part " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

func (p *packageIndex) readSheets() error {
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := p.decode("xl/workbook.xml", &wb); err != nil {
		return err
	}
	rels, err := p.rels("xl/_rels/workbook.xml.rels")
	if err != nil {
		return err
	}
	for _, s := range wb.Sheets {
		rel, ok := rels[s.RID]
		if !ok || !strings.HasSuffix(rel.Type, "/worksheet") {
			continue // chart sheets and dialog sheets hold no rows
		}
		p.sheets = append(p.sheets, sheetPart{
			SheetInfo: SheetInfo{Name: s.Name, Hidden: s.State == "hidden" || s.State == "veryHidden"},
			part:      resolvePart("xl", rel.Target),
		})
	}
	return nil
}

func resolvePart(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(base, target)
}

// sheetExtras are the parts of a worksheet after its rows that change what
// the user sees: merged ranges and mailto: hyperlinks.
type sheetExtras struct {
	merges []cellRange // sorted by top row
	// mailto maps row number → column index (0 = A) → address.
	mailto map[int]map[int]string
}

type cellRange struct{ top, left, bottom, right int }

// maxLinkCells bounds how many cells one hyperlink range may cover; a
// crafted "A1:XFD1048576" would otherwise mean billions of map entries.
const maxLinkCells = 1 << 16

// readExtras streams the worksheet XML to the end of <sheetData> without
// parsing it (a byte search), then decodes only the tail, so its cost is
// one inflate of the part rather than a second XML parse. On the way it
// checks that no token of the sheet is too large for excelize to read
// it, and spends from the budget for what it keeps.
func (p *packageIndex) readExtras(sp sheetPart) (sheetExtras, error) {
	var ex sheetExtras
	f, ok := p.files[strings.ToLower(sp.part)]
	if !ok {
		return ex, errors.New("missing part " + sp.part)
	}
	rc, err := f.Open()
	if err != nil {
		return ex, err
	}
	defer rc.Close()
	meter := newXMLMeter(rc, maxXMLToken)
	meter.fast = true
	tail, err := skipPast(bufio.NewReaderSize(meter, 256<<10), [][]byte{[]byte("</sheetData>"), []byte("<sheetData/>")})
	if err != nil || tail == nil {
		return ex, p.meterErr(err, sp.Name)
	}
	type link struct{ ref, rid string }
	var links []link
	dec := xml.NewDecoder(tail)
	for {
		tok, err := dec.Token()
		if err != nil {
			break // the tail is not a complete document; stop at its end
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "mergeCell":
			if r, err := parseRange(attr(se, "ref")); err == nil {
				ex.merges = append(ex.merges, r)
				if len(ex.merges)%1024 == 0 {
					if err := p.budget.spend(1024 * costPerRange); err != nil {
						return ex, err
					}
				}
			}
		case "hyperlink":
			if rid := attr(se, "id"); rid != "" {
				links = append(links, link{attr(se, "ref"), rid})
				// What a mailto: link will cost is charged now, so a
				// crafted list of links is stopped early.
				cost := costPerRange
				if r, err := parseRange(attr(se, "ref")); err == nil {
					cost += int64(linkCells(r)) * costPerLinkCell
				}
				if err := p.budget.spend(cost); err != nil {
					return ex, err
				}
			}
		}
	}
	if meter.failed != nil {
		return ex, p.meterErr(meter.failed, sp.Name)
	}
	sort.Slice(ex.merges, func(i, j int) bool { return ex.merges[i].top < ex.merges[j].top })
	if len(links) == 0 {
		return ex, nil
	}
	dir, base := path.Split(sp.part)
	rels, err := p.rels(path.Join(dir, "_rels", base+".rels"))
	if err != nil {
		return ex, nil // links without relationships are just not followed
	}
	ex.mailto = make(map[int]map[int]string)
	for _, l := range links {
		target := rels[l.rid].Target
		addr, ok := mailtoAddress(target)
		if !ok {
			continue
		}
		r, err := parseRange(l.ref)
		if err != nil {
			continue
		}
		if linkCells(r) == 1 {
			r.bottom, r.right = r.top, r.left // perhaps a hostile range; keep its first cell
		}
		for row := r.top; row <= r.bottom; row++ {
			for col := r.left; col <= r.right; col++ {
				if ex.mailto[row] == nil {
					ex.mailto[row] = map[int]string{}
				}
				ex.mailto[row][col-1] = addr
			}
		}
	}
	return ex, nil
}

// linkCells is how many cells a hyperlink's range gives an address to: a
// crafted "A1:XFD1048576" would otherwise mean billions of map entries, so
// a range of more than maxLinkCells keeps its first cell only.
func linkCells(r cellRange) int {
	n := (r.bottom - r.top + 1) * (r.right - r.left + 1)
	if n > maxLinkCells {
		return 1
	}
	return n
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func parseRange(ref string) (cellRange, error) {
	a, b, found := strings.Cut(ref, ":")
	if !found {
		b = a
	}
	c1, r1, err := excelize.CellNameToCoordinates(a)
	if err != nil {
		return cellRange{}, err
	}
	c2, r2, err := excelize.CellNameToCoordinates(b)
	if err != nil {
		return cellRange{}, err
	}
	return cellRange{top: min(r1, r2), left: min(c1, c2), bottom: max(r1, r2), right: max(c1, c2)}, nil
}

// skipPast reads r until just after the first of the markers and returns a
// reader over the rest, or nil when no marker occurs.
func skipPast(r *bufio.Reader, markers [][]byte) (io.Reader, error) {
	longest := 0
	for _, m := range markers {
		longest = max(longest, len(m))
	}
	buf := make([]byte, 0, 512<<10)
	chunk := make([]byte, 256<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for _, m := range markers {
			if i := bytes.Index(buf, m); i >= 0 {
				return io.MultiReader(bytes.NewReader(buf[i+len(m):]), r), nil
			}
		}
		// keep only what could be the start of a marker split across reads
		if keep := longest - 1; len(buf) > keep {
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// cellName is the A1-style name of a 1-based column and row.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
