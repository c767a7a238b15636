package recipients

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"math"
	"strings"
	"sync/atomic"

	"mailroom/app/msg"
)

// A workbook is a zip of XML parts, and a crafted one can make whoever
// reads it run out of memory: a part a few hundred KB on disk that unpacks
// to gigabytes (a "zip bomb"), one cell of a gigabyte of text, or millions
// of tiny XML elements that excelize turns into Go structures hundreds of
// times their size. Mailroom refuses such a file before it costs memory,
// with limits far beyond what real lists need; docs/recipients.md
// ("Crafted workbooks") explains each one and the figures behind it.
const (
	// maxDenseRatio: a part that unpacks to more than this many times its
	// packed size is "dense". Real sheets pack 5 to 20 times; a zip bomb
	// packs about 1,000 times, deflate's maximum.
	maxDenseRatio = 100
	// denseAllowance is how much dense parts may unpack to together, so a
	// tiny but very regular part (an empty style sheet) is still fine.
	denseAllowance int64 = 16 << 20
	// maxXMLToken bounds one tag, comment or run of text in the parts that
	// are parsed as a stream (worksheets, the shared string table). Excel's
	// cells hold at most 32,767 characters, which is at most about 330 KB
	// of XML even when every character is written as a character reference.
	maxXMLToken = 1 << 20
	// xmlInMemoryLimit is excelize's UnzipXMLSizeLimit (its default, set
	// explicitly because the memory estimate below depends on it):
	// worksheets and the shared string table larger than this are unpacked
	// to a temporary file and read from there; every other part, and
	// smaller ones, are held in memory. WithLowMemory lowers it to
	// lowMemoryXMLLimit.
	xmlInMemoryLimit  int64 = 16 << 20
	lowMemoryXMLLimit int64 = 1 << 20
	// A workbook may cost at most memoryBase plus memoryPerPackedByte times
	// its size on disk, as estimated from the costs below before excelize
	// builds anything. The costs are peak memory measured on element-dense
	// parts, so the estimate errs high for real files; real lists still
	// stay well below their allowance (a 100,000-row list: about half),
	// and a bomb of a few hundred KB gets about 170 MB.
	memoryBase          int64 = 128 << 20
	memoryPerPackedByte int64 = 96
	// costPerElement is what excelize spends per XML element of a part it
	// parses whole (style sheet, workbook, relationships): up to about 390
	// bytes measured (3 million <xf/> in a style sheet).
	costPerElement int64 = 384
	// costPerHeldString is the same for an element of a shared string table
	// held in memory: 130 to 210 bytes measured.
	costPerHeldString int64 = 224
	// costPerStreamedString is excelize's index entry for one shared string
	// read from a temporary file: about 52 bytes live, 107 bytes of peak
	// resident memory measured (2 million <si/>: 215 MB over the start).
	costPerStreamedString int64 = 112
	// costPerRange and costPerLinkCell are what the reader keeps for one
	// merged range or hyperlink and for one cell covered by a mailto: link.
	costPerRange    int64 = 64
	costPerLinkCell int64 = 128
)

// memoryBudget is what reading one workbook may cost; the checks that
// measure parts spend from it, possibly from two goroutines at once.
type memoryBudget struct {
	path   string
	packed int64
	limit  int64
	used   atomic.Int64
}

func newMemoryBudget(path string, packed int64) *memoryBudget {
	return &memoryBudget{path: path, packed: packed, limit: memoryBase + memoryPerPackedByte*packed}
}

// spend records n more bytes and fails once the budget is exceeded.
func (b *memoryBudget) spend(n int64) error {
	if b == nil || n <= 0 {
		return nil
	}
	if b.used.Add(n) <= b.limit {
		return nil
	}
	return b.exceeded()
}

func (b *memoryBudget) exceeded() error {
	return fileErr(ErrTooLarge, b.path,
		msg.T("reading this workbook would take more than the {{.Limit}} of memory Mailroom allows for a file of {{.Size}} ({{.Base}} plus {{.Times}} times its size); its contents are far denser than a real list's, so the file is damaged or was made to harm",
			"Limit", humanSize(b.limit), "Size", humanSize(b.packed), "Base", humanSize(memoryBase), "Times", memoryPerPackedByte),
		resaveHint(), nil)
}

// resaveHint is what to do about a workbook refused as damaged or hostile:
// saving it again in Excel writes a clean package.
func resaveHint() msg.Text {
	return msg.T("if it is a genuine list, open it in Excel and save it again (File → Save As → Excel Workbook), or save it as .csv")
}

func denseError(path string, unpacked, packed int64) error {
	return fileErr(ErrTooLarge, path,
		msg.T("the workbook unpacks to {{.Unpacked}} from {{.Packed}} on disk ({{.Ratio}} times); Mailroom refuses workbooks whose contents unpack to more than {{.Limit}} times their packed size, as zip bombs do, to protect the computer's memory",
			"Unpacked", humanSize(unpacked), "Packed", humanSize(packed), "Ratio", unpacked/max(packed, 1), "Limit", maxDenseRatio),
		resaveHint(), nil)
}

func tokenError(path, sheet string) error {
	e := fileErr(ErrTooLarge, path,
		msg.T("one cell or tag of the workbook holds more than {{.Limit}} of text; Excel allows 32,767 characters in a cell, so the file is damaged or was made to harm",
			"Limit", humanSize(maxXMLToken)),
		resaveHint(), errTokenTooLong)
	e.Sheet = sheet
	return e
}

// partKey is how excelize and the package index name a part: slashes, and
// lower case for lookups.
func partKey(name string) string { return strings.ToLower(strings.ReplaceAll(name, `\`, "/")) }

const sharedStringsKey = "xl/sharedstrings.xml"

// streamedSheet reports whether excelize unpacks the part to a temporary
// file and reads it as a stream rather than holding it in memory: the
// same test as excelize's ReadZipReader.
func (p *packageIndex) streamedSheet(key string, size int64) bool {
	return strings.HasPrefix(key, "xl/worksheets/sheet") && size > p.inMemory
}

// meterEvery is how many start tags a meter counts between two charges.
const meterEvery = 4096

// meterHeldParts charges the budget for every part excelize will hold in
// memory: its bytes, and for XML also its parse (a structure per element)
// — excelize parses the workbook, its relationships, the style sheet,
// theme and calculation chain while opening the file, and this package
// the workbook and relationships. Worksheets are read as streams and
// measured when read (readExtras); so is the shared string table, read
// only when the first row is (meterSharedStrings).
func (p *packageIndex) meterHeldParts() error {
	for _, f := range p.zr.File {
		key, size := partKey(f.Name), int64(f.UncompressedSize64)
		switch {
		case key == sharedStringsKey || p.streamedSheet(key, size):
			continue
		case strings.HasPrefix(key, "xl/worksheets/sheet"):
			// held in memory but read as a stream
			if err := p.budget.spend(size); err != nil {
				return err
			}
			continue
		}
		if err := p.meterHeld(f, costPerElement); err != nil {
			return err
		}
	}
	return nil
}

// meterHeld charges for one part held in memory: its bytes, and when it is
// XML twice its bytes (excelize copies it to translate namespaces) plus
// elementCost per element.
func (p *packageIndex) meterHeld(f *zip.File, elementCost int64) error {
	size := int64(f.UncompressedSize64)
	if size == 0 {
		return nil
	}
	if err := p.budget.spend(size); err != nil {
		return err
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	if !looksLikeXML(br) {
		return nil // an image or other binary part: held, never parsed
	}
	if err := p.budget.spend(2 * size); err != nil {
		return err
	}
	m := newXMLMeter(br, math.MaxInt)
	m.countEvery = meterEvery
	m.onStart = func(int64, int64) error { return p.budget.spend(meterEvery * elementCost) }
	if err := m.drain(); err != nil {
		return err
	}
	return p.budget.spend(m.elements % meterEvery * elementCost)
}

// meterSharedStrings measures the shared string table before excelize
// reads it, which it does when the first row is read: no token may be
// larger than maxXMLToken, and excelize's memory for it is charged — the
// parsed table when it is held in memory, else an index entry per string.
func (p *packageIndex) meterSharedStrings() error {
	f, ok := p.files[sharedStringsKey]
	if !ok {
		return nil
	}
	size := int64(f.UncompressedSize64)
	held := size <= p.inMemory
	if held {
		if err := p.budget.spend(3 * size); err != nil {
			return err
		}
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	m := newXMLMeter(rc, maxXMLToken)
	m.name, m.countEvery = "si", meterEvery
	var charged int64
	charge := func(elements, items int64) error {
		cost := items * costPerStreamedString
		if held {
			cost = elements * costPerHeldString
		}
		err := p.budget.spend(cost - charged)
		charged = cost
		return err
	}
	m.onStart = charge
	if err := m.drain(); err != nil {
		return p.meterErr(err, "")
	}
	return charge(m.elements, m.items)
}

// meterErr turns a meter's refusal into the user's error.
func (p *packageIndex) meterErr(err error, sheet string) error {
	if errors.Is(err, errTokenTooLong) {
		return tokenError(p.path, sheet)
	}
	return err
}

// looksLikeXML peeks at a part: XML starts with '<', after an optional
// byte order mark and white space.
func looksLikeXML(br *bufio.Reader) bool {
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && head[0] == '<'
}
