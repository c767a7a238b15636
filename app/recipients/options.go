package recipients

import (
	"errors"
	"strings"

	"mailroom/app/msg"
)

// Option configures Open and Load.
type Option func(*config) error

type config struct {
	sheet       string
	headerRow   int
	emailColumn string
	datePattern string
	maxUnpacked int64
	peekRows    int
	// lang is the language of the result columns WriteResults adds.
	lang      msg.Language
	lowMemory bool
	// xmlLimit, when set, replaces the in-memory limit (tests).
	xmlLimit int64
}

// xmlInMemory is how large a worksheet or shared string table excelize
// may hold in memory (its UnzipXMLSizeLimit); larger ones it reads from a
// temporary file.
func (c config) xmlInMemory() int64 {
	limit := xmlInMemoryLimit
	if c.xmlLimit > 0 {
		limit = c.xmlLimit
	} else if c.lowMemory {
		limit = lowMemoryXMLLimit
	}
	return min(limit, c.maxUnpacked)
}

// DefaultMaxUnpacked bounds how large a workbook may become once unzipped.
// A full 1,048,576-row sheet is a few hundred MB; far beyond that is a zip
// bomb or a damaged file.
const DefaultMaxUnpacked int64 = 2 << 30

// DefaultDatePattern renders cells in Excel's locale-dependent "short
// date" format. ISO order reads the same in every country, where Excel's
// own default (m/d/yy) means different days to US and Chinese readers.
const DefaultDatePattern = "yyyy-mm-dd"

func defaultConfig() config {
	return config{datePattern: DefaultDatePattern, maxUnpacked: DefaultMaxUnpacked, peekRows: 100}
}

// WithLanguage names the result columns WriteResults adds in l (English
// by default).
func WithLanguage(l msg.Language) Option {
	return func(c *config) error {
		c.lang = l
		return nil
	}
}

// WithSheet reads the named worksheet instead of the first visible one
// with data.
func WithSheet(name string) Option {
	return func(c *config) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("recipients: sheet name is empty")
		}
		c.sheet = name
		return nil
	}
}

// WithHeaderRow fixes the header on spreadsheet row n (1 = the first row)
// instead of detecting it.
func WithHeaderRow(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 1048576 {
			return errors.New("recipients: header row must be between 1 and 1048576")
		}
		c.headerRow = n
		return nil
	}
}

// WithEmailColumn names the address column (its name, header text or
// letter) instead of detecting it.
func WithEmailColumn(name string) Option {
	return func(c *config) error {
		if strings.TrimSpace(name) == "" {
			return errors.New("recipients: email column name is empty")
		}
		c.emailColumn = name
		return nil
	}
}

// WithDatePattern sets how cells in Excel's short-date format are shown,
// as an Excel format code such as "yyyy/m/d".
func WithDatePattern(pattern string) Option {
	return func(c *config) error {
		if strings.TrimSpace(pattern) == "" {
			return errors.New("recipients: date pattern is empty")
		}
		c.datePattern = pattern
		return nil
	}
}

// WithMaxUnpacked sets how many bytes a workbook may unpack to.
func WithMaxUnpacked(n int64) Option {
	return func(c *config) error {
		if n < 1<<20 {
			return errors.New("recipients: unpacked size limit must be at least 1 MB")
		}
		c.maxUnpacked = n
		return nil
	}
}

// WithPreviewRows sets how many data rows Open reads ahead to detect the
// header and the email column; they are returned first by Next.
func WithPreviewRows(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 100000 {
			return errors.New("recipients: preview rows must be between 1 and 100000")
		}
		c.peekRows = n
		return nil
	}
}

// WithLowMemory reads a large list in a fraction of the memory, for some
// more time: the shared string table (every distinct text of the
// workbook) is read from a temporary file when its XML is over 1 MB,
// where by default excelize holds up to 16 MB of it in memory as Go
// structures about ten times that size. For a 100,000-row list of mostly
// distinct values: about a tenth of the memory for about a quarter more
// CPU time. Checking and sending a campaign use it; the window's list,
// which is read once and shown, does not.
func WithLowMemory() Option {
	return func(c *config) error {
		c.lowMemory = true
		return nil
	}
}
