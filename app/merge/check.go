package merge

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// Report is what merge finds before anything is sent: the problems (for
// `mailroom check` and the window's send view), and the attachment
// matching per row.
type Report struct {
	Problems recipients.Problems
	Rows     []RowReport
	// UnusedFiles are files of the attachment folder that no checked row
	// attaches (paths relative to the folder).
	UnusedFiles []string
	SizeLimit   int64
}

// RowReport is one row's attachments and size.
type RowReport struct {
	Row   int
	Files []FileInfo
	// Size is the encoded message size in bytes, estimated from the text
	// parts as written plus each attachment's base64 size (within about a
	// kilobyte of the real size; attachments are not read).
	Size int64
}

// Check renders every row and reports the problems of the whole run:
// those of the setup (Problems), then per row invalid Cc/Bcc, missing,
// ambiguous or refused attachments, missing inline images and oversized
// messages, then empty values (one warning per column, listing the rows)
// and the folder's unused files. The attachment folder is listed afresh.
// It keeps a RowReport per row; a caller streaming a large list uses
// StartCheck instead, which keeps nothing per row.
func (c *Composer) Check(rows []Row) *Report {
	run := c.StartCheck()
	for _, row := range rows {
		rr, _ := run.Row(row)
		run.rep.Rows = append(run.rep.Rows, rr)
	}
	return run.Finish()
}

// CheckRun checks rows one at a time, as they are read, and keeps only
// what the whole-run problems need: the files attached so far and, per
// column, the rows where a field is empty.
type CheckRun struct {
	c          *Composer
	rep        *Report
	used       map[string]bool
	empty      map[int][]int // column → rows
	emptyOrder []int
	ready      bool
	rows       int
}

// StartCheck begins a check (see Check): the setup's problems and a fresh
// listing of the attachment folder.
func (c *Composer) StartCheck() *CheckRun {
	run := &CheckRun{c: c, rep: &Report{Problems: c.Problems(), SizeLimit: c.cfg.sizeLimit},
		used: map[string]bool{}, empty: map[int][]int{}, ready: c.ready() == nil}
	if c.folder != nil {
		if err := c.folder.list(true); err != nil {
			run.rep.Problems = append(run.rep.Problems, recipients.Problem{Code: "attachment-folder-unreadable", File: c.cfg.attachDir}.Say(
				msg.T("the attachment folder cannot be read: {{.Reason}}", "Reason", msg.Raw(unwrapPathError(err))),
				msg.T("choose a folder that holds only the files to send")))
		}
	}
	return run
}

// Row checks one row and returns its attachments and size, and its own
// problems, which are also kept for Finish.
func (run *CheckRun) Row(row Row) (RowReport, recipients.Problems) {
	c := run.c
	run.rows++
	r := c.render(row)
	problems := r.problems
	rr := RowReport{Row: row.Number}
	for _, a := range r.inline {
		rr.Files = append(rr.Files, FileInfo{Name: a.Name, Path: a.Path, Size: a.Size, Inline: true})
	}
	for _, a := range r.files {
		rr.Files = append(rr.Files, FileInfo{Name: a.Name, Path: a.Path, Size: a.Size})
		if a.root != "" {
			run.used[a.rel] = true
		}
	}
	for _, e := range r.empty {
		if _, seen := run.empty[e.col]; !seen {
			run.emptyOrder = append(run.emptyOrder, e.col)
		}
		if list := run.empty[e.col]; len(list) == 0 || list[len(list)-1] != row.Number {
			run.empty[e.col] = append(list, row.Number)
		}
	}
	if run.ready {
		rr.Size = c.estimateSize(r)
		if rr.Size > c.cfg.sizeLimit {
			problems = append(problems, c.rowProblem(row, c.cfg.attachColumn, "message-too-large",
				msg.T("the message is {{.Size}}, over the {{.Limit}} limit of the account", "Size", formatSize(rr.Size), "Limit", formatSize(c.cfg.sizeLimit)),
				msg.T("attach fewer or smaller files (encoding adds a third to each file), or share a download link")))
		}
	}
	run.rep.Problems = append(run.rep.Problems, problems...)
	return rr, problems
}

// Finish adds the problems of the whole run (empty fields, unused files)
// and returns the report; Report.Rows is empty unless Check filled it.
func (run *CheckRun) Finish() *Report {
	c, rep := run.c, run.rep
	for _, col := range run.emptyOrder {
		rep.Problems = append(rep.Problems, c.emptyProblem(col, run.empty[col]))
	}
	if c.folder != nil {
		for _, f := range c.folder.allFiles() {
			if !run.used[f] {
				rep.UnusedFiles = append(rep.UnusedFiles, f)
			}
		}
		if n := len(rep.UnusedFiles); n > 0 && run.rows > 0 {
			rep.Problems = append(rep.Problems, recipients.Problem{Severity: recipients.Warning,
				Code: "attachment-unused", File: c.cfg.attachDir}.Say(
				msg.T("{{.Count}} file(s) in the folder are not attached to any row: {{.Files}}", "Count", n, "Files", nameList(rep.UnusedFiles, 10)),
				msg.T("check that no row is missing its file name")))
		}
	}
	return rep
}

func (c *Composer) emptyProblem(col int, rows []int) recipients.Problem {
	name := c.cols.names[col]
	row := 0
	if len(rows) == 1 {
		row = rows[0]
	}
	return recipients.Problem{Severity: recipients.Warning, Code: "empty-field", File: c.cfg.file,
		Sheet: c.cfg.sheet, Column: name, Row: row}.Say(msg.T("{{.Field}} is empty in {{.Rows}}, so the message shows nothing there", "Field", "{{"+name+"}}", "Rows", rowRanges(rows)),
		msg.T("fill in the cells, or give a fallback: {{.Fallback}}", "Fallback", "{{"+name+` | "…"}}`))
}

// estimateSize measures the message without its files, then adds each
// file's base64 size and part headers, so checking 10,000 rows does not
// read 10,000 copies of the attachments.
func (c *Composer) estimateSize(r *rendered) int64 {
	// The row's own problems (say, a missing file) do not change the size
	// of what it does carry.
	text := *r
	text.problems = nil
	msg, _, err := c.build(&text, []string{c.from.Address}, false)
	if err != nil {
		return 0
	}
	var n countingWriter
	if _, err := msg.WriteTo(&n); err != nil {
		return 0
	}
	size := int64(n)
	files := append(append([]attachment(nil), r.inline...), r.files...)
	if len(files) > 0 {
		size += 400 // multipart/mixed (and related) wrappers and boundaries
	}
	for _, a := range files {
		size += base64Size(a.Size) + 300 + 3*int64(len(a.Name))
	}
	return size
}

// base64Size is the size of n bytes in base64 with CRLF every 76 characters.
func base64Size(n int64) int64 {
	enc := (n + 2) / 3 * 4
	return enc + (enc+75)/76*2
}

func formatSize(n int64) msg.Text {
	switch {
	case n >= 1<<20:
		return msg.Raw(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB")
	case n >= 1<<10:
		return msg.Raw(strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB")
	}
	return msg.T("{{.Bytes}} bytes", "Bytes", n)
}

// rowRanges writes sorted row numbers compactly: "rows 3–5, 9 (4 rows)".
func rowRanges(rows []int) msg.Text {
	if len(rows) == 1 {
		return msg.T("row {{.Row}}", "Row", rows[0])
	}
	sorted := append([]int(nil), rows...)
	sort.Ints(sorted)
	var parts []string
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && sorted[j+1] == sorted[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", sorted[i], sorted[j]))
		} else {
			parts = append(parts, strconv.Itoa(sorted[i]))
		}
		i = j + 1
	}
	if len(parts) > 12 {
		parts = append(parts[:12], "…")
	}
	return msg.T("rows {{.Rows}} ({{.Count}} rows)", "Rows", strings.Join(parts, ", "), "Count", len(rows))
}
