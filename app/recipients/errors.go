package recipients

import (
	"errors"
	"fmt"

	"mailroom/app/msg"
)

// Sentinel errors classify why a file could not be read. Every error
// returned by Open, Load and Import wraps one of them inside a *FileError
// whose Error() is the sentence shown to the user.
var (
	ErrNotFound      = errors.New("file not found")
	ErrEmptyFile     = errors.New("file is empty")
	ErrLegacyExcel   = errors.New("legacy Excel 97-2003 workbook")
	ErrUnsupported   = errors.New("unsupported file format")
	ErrEncrypted     = errors.New("workbook is password-protected")
	ErrCorrupt       = errors.New("file is damaged")
	ErrTooLarge      = errors.New("file is too large")
	ErrSheetNotFound = errors.New("sheet not found")
	ErrNoData        = errors.New("no data")
	ErrNoColumn      = errors.New("column not found")
	ErrSameFile      = errors.New("target is the source file")
	// ErrNotWritten: a file Mailroom writes (the results copy) could not
	// be written or put in place; the source file is fine.
	ErrNotWritten = errors.New("file could not be written")
)

// FileError is a file-level problem: the embedded Problem holds what the
// user reads (file, sheet, message, hint), Kind is one of the sentinel
// errors above and Err the underlying cause, kept for errors.Is/As but not
// shown, because library messages mean nothing to an office worker.
type FileError struct {
	Problem
	Kind error
	Err  error
}

// Error returns the user-facing sentence.
func (e *FileError) Error() string { return e.Problem.Error() }

// Unwrap exposes both the sentinel kind and the cause.
func (e *FileError) Unwrap() []error {
	errs := []error{e.Kind}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func fileErr(kind error, path string, what, fix msg.Text, cause error) *FileError {
	return &FileError{
		Problem: Problem{Code: codeFor(kind), File: path}.Say(what, fix),
		Kind:    kind,
		Err:     cause,
	}
}

// codeFor derives the Problem code from the sentinel, so callers filtering
// problems by Code and callers using errors.Is agree.
func codeFor(kind error) string {
	switch kind {
	case ErrNotFound:
		return "file-not-found"
	case ErrEmptyFile:
		return "file-empty"
	case ErrLegacyExcel, ErrUnsupported:
		return "file-unsupported"
	case ErrEncrypted:
		return "file-encrypted"
	case ErrCorrupt:
		return "file-corrupt"
	case ErrTooLarge:
		return "file-too-large"
	case ErrSheetNotFound:
		return "sheet-not-found"
	case ErrNoData:
		return "no-data"
	case ErrNoColumn:
		return "column-not-found"
	case ErrSameFile:
		return "same-file"
	case ErrNotWritten:
		return "file-not-written"
	}
	return "file-error"
}

// saveAsXLSX is the usual way out for a file Mailroom cannot read.
func saveAsXLSX() msg.Text {
	return msg.T("save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)")
}

// openAndSaveAsXLSX is saveAsXLSX for a file that first needs opening.
func openAndSaveAsXLSX() msg.Text {
	return msg.T("open it in Excel and save it as .xlsx in Excel: File → Save As → Excel Workbook (*.xlsx)")
}

func humanSize(n int64) string {
	const mb = 1 << 20
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	}
	if n < mb {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%d MB", (n+mb-1)/mb)
}
