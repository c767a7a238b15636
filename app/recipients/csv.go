package recipients

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/text/transform"

	"mailroom/app/msg"
)

// textLayout is what was detected about a delimited text file; the results
// writer reuses it so the copy opens in Excel the same way.
type textLayout struct {
	enc   textEncoding
	comma rune
	// sepLine is Excel's "sep=;" first line, which Excel hides.
	sepLine bool
}

// csvSource reads delimited text with encoding/csv. Row numbers count
// records the way Excel shows the file: blank lines are rows too (the csv
// package skips them silently) and a quoted field spanning lines stays in
// one row.
type csvSource struct {
	path    string
	file    *os.File
	r       *csv.Reader
	layout  textLayout
	prevRow int
	prevEnd int // line on which the previous record ended
	cur     rawRow
	failure error
}

var delimiters = []rune{',', ';', '\t', '|'}

func newCSVSource(path string) (*csvSource, error) {
	enc, err := detectEncoding(path)
	if err != nil {
		return nil, fileErr(ErrCorrupt, path, msg.T("the file cannot be read"), msg.T("copy it to your computer and try again"), err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileErr(ErrNotFound, path, msg.T("the file cannot be opened"), msg.T("check that you are allowed to read it"), err)
	}
	if _, err := f.Seek(int64(len(enc.bom)), io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	var text io.Reader = f
	if enc.enc != encUTF8.enc {
		text = transform.NewReader(f, enc.enc.NewDecoder())
	}
	br := bufio.NewReaderSize(text, 64<<10)
	sample, _ := br.Peek(32 << 10)
	layout := textLayout{enc: enc}
	if comma, n, ok := sepDirective(sample); ok {
		layout.comma, layout.sepLine = comma, true
		_, _ = br.Discard(n)
	} else {
		layout.comma = detectDelimiter(sample, strings.EqualFold(path[len(path)-min(4, len(path)):], ".txt"))
	}
	r := csv.NewReader(br)
	r.Comma = layout.comma
	r.LazyQuotes = true // real files carry stray quotes; keep the text as written
	r.FieldsPerRecord = -1
	// The sep= line was consumed before the csv reader started counting
	// lines, which is right: Excel does not show it as a row.
	return &csvSource{path: path, file: f, r: r, layout: layout}, nil
}

// sepDirective recognises Excel's "sep=X" first line.
func sepDirective(sample []byte) (rune, int, bool) {
	line, _, _ := bytes.Cut(sample, []byte("\n"))
	t := strings.TrimRight(string(line), "\r")
	if len(t) == 5 && strings.HasPrefix(strings.ToLower(t), "sep=") {
		return rune(t[4]), len(line) + 1, true
	}
	return 0, 0, false
}

// detectDelimiter picks the candidate that splits the sample's lines into
// the same number of fields most consistently, counting only outside
// quotes; ties go to more fields, then to tab for .txt (Excel's "Text"
// and "Unicode text" are tab-separated) and to comma otherwise.
func detectDelimiter(sample []byte, preferTab bool) rune {
	lines := logicalLines(sample, 50)
	best, bestConsistency, bestFields := ',', -1.0, 0
	if preferTab {
		best = '\t'
	}
	for _, d := range delimiters {
		counts := map[int]int{}
		for _, l := range lines {
			counts[countOutsideQuotes(l, byte(d))]++
		}
		mode, modeLines := 0, 0
		for c, n := range counts {
			if c > 0 && (n > modeLines || (n == modeLines && c > mode)) {
				mode, modeLines = c, n
			}
		}
		if mode == 0 {
			continue
		}
		consistency := float64(modeLines) / float64(len(lines))
		better := consistency > bestConsistency ||
			(consistency == bestConsistency && mode > bestFields) ||
			(consistency == bestConsistency && mode == bestFields && preferTab && d == '\t')
		if better {
			best, bestConsistency, bestFields = d, consistency, mode
		}
	}
	return best
}

// logicalLines splits text into records, keeping quoted newlines inside,
// and drops the last one, which the sample may have cut short.
func logicalLines(sample []byte, limit int) [][]byte {
	var lines [][]byte
	inQuotes, start := false, 0
	for i := 0; i < len(sample) && len(lines) < limit; i++ {
		switch sample[i] {
		case '"':
			inQuotes = !inQuotes
		case '\n':
			if !inQuotes {
				if l := bytes.TrimRight(sample[start:i], "\r"); len(bytes.TrimSpace(l)) > 0 {
					lines = append(lines, l)
				}
				start = i + 1
			}
		}
	}
	if start < len(sample) && len(lines) == 0 {
		lines = append(lines, sample[start:])
	}
	return lines
}

func countOutsideQuotes(line []byte, d byte) int {
	n, inQuotes := 0, false
	for _, b := range line {
		switch {
		case b == '"':
			inQuotes = !inQuotes
		case b == d && !inQuotes:
			n++
		}
	}
	return n
}

func (s *csvSource) next() bool {
	if s.failure != nil {
		return false
	}
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		var pe *csv.ParseError
		line := 0
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		s.failure = &FileError{
			Problem: Problem{Code: "file-corrupt", File: s.path}.Say(msg.T("the text cannot be split into columns near line {{.Line}}", "Line", line),
				msg.T("open the file in Excel and save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)")),
			Kind: ErrCorrupt, Err: err,
		}
		return false
	}
	startLine, _ := s.r.FieldPos(0)
	last := len(rec) - 1
	lastLine, _ := s.r.FieldPos(last)
	number := s.prevRow + (startLine - s.prevEnd)
	s.prevRow = number
	s.prevEnd = lastLine + strings.Count(rec[last], "\n")
	s.cur = rawRow{number: number, cells: rec, filled: countFilled(rec)}
	return true
}

func (s *csvSource) row() *rawRow { return &s.cur }
func (s *csvSource) err() error   { return s.failure }
func (s *csvSource) close() error { return s.file.Close() }
