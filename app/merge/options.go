package merge

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// DefaultSizeLimit is the encoded message size most providers accept
// (QQ, 163, Gmail and Outlook.com all take 25 MB or a little more).
const DefaultSizeLimit = 25 << 20

// ErrInvalidOption is wrapped by every error an Option returns.
var ErrInvalidOption = errors.New("invalid merge option")

// Option configures a Composer. Options validate their arguments; New
// returns the first error.
type Option func(*config) error

type config struct {
	from         string
	subject      string
	body         string
	bodyFormat   Format
	bodyPath     string // the body file, when read from one
	bodyDir      string // where inline images are looked up first
	cc, bcc      string
	replyTo      string
	toName       string
	shared       []string
	attachDir    string
	attachTpl    string
	attachColumn string // set when attachTpl is a single column
	several      bool
	sizeLimit    int64
	file, sheet  string
	unsubscribe  *Unsubscribe
	dkim         *dkimConfig
}

func optionError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidOption, fmt.Sprintf(format, args...))
}

// WithFrom sets the sender, "Name <address>" or a bare address; the name
// may be Chinese. A missing or invalid From is reported by Problems, not
// here, so the window can show it beside the other problems.
func WithFrom(from string) Option {
	return func(c *config) error { c.from = from; return nil }
}

// WithSubject sets the subject template.
func WithSubject(tpl string) Option {
	return func(c *config) error { c.subject = tpl; return nil }
}

// WithBodyFile reads the body template from a .txt, .html/.htm or
// .md/.markdown file. Inline images (cid:) are looked up next to it.
// A file that cannot be read is reported by Problems.
func WithBodyFile(path string) Option {
	return func(c *config) error {
		if strings.TrimSpace(path) == "" {
			return optionError("the body file path is empty")
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return optionError("body file %q: %v", path, err)
		}
		c.bodyPath, c.bodyFormat, c.bodyDir = abs, FormatOf(path), filepath.Dir(abs)
		return nil
	}
}

// WithBody sets the body template directly (the window's editor). dir is
// where inline images are looked up first; it may be empty.
func WithBody(format Format, src, dir string) Option {
	return func(c *config) error {
		if format < FormatText || format > FormatMarkdown {
			return optionError("unknown body format %d", format)
		}
		c.body, c.bodyFormat, c.bodyPath, c.bodyDir = src, format, "", dir
		return nil
	}
}

// WithCC sets the Cc template: one or more addresses separated by commas
// or semicolons, typically {{Manager email}}.
func WithCC(tpl string) Option {
	return func(c *config) error { c.cc = tpl; return nil }
}

// WithBCC sets the Bcc template, like WithCC.
func WithBCC(tpl string) Option {
	return func(c *config) error { c.bcc = tpl; return nil }
}

// WithReplyTo sets the Reply-To template.
func WithReplyTo(tpl string) Option {
	return func(c *config) error { c.replyTo = tpl; return nil }
}

// WithRecipientName sets the template of the display name shown in To,
// e.g. {{姓名}}; an address that already carries a name keeps it.
func WithRecipientName(tpl string) Option {
	return func(c *config) error { c.toName = tpl; return nil }
}

// WithAttachments adds files attached to every message. They are read
// from disk while each message is written, never held in memory.
func WithAttachments(paths ...string) Option {
	return func(c *config) error {
		for _, p := range paths {
			if strings.TrimSpace(p) == "" {
				return optionError("an attachment path is empty")
			}
			abs, err := filepath.Abs(p)
			if err != nil {
				return optionError("attachment %q: %v", p, err)
			}
			c.shared = append(c.shared, abs)
		}
		return nil
	}
}

// WithAttachColumn attaches, to each message, the files of dir named in
// the row's column (several separated by ";"; * and ? allowed).
func WithAttachColumn(dir, column string) Option {
	return func(c *config) error {
		if strings.TrimSpace(column) == "" {
			return optionError("the attachment column name is empty")
		}
		if err := setAttachDir(c, dir); err != nil {
			return err
		}
		c.attachTpl, c.attachColumn = "{{["+column+"]}}", column
		return nil
	}
}

// WithAttachPattern attaches, to each message, the files of dir matching
// a template such as "{{CustomerID}}*.pdf" (several separated by ";").
func WithAttachPattern(dir, pattern string) Option {
	return func(c *config) error {
		if strings.TrimSpace(pattern) == "" {
			return optionError("the attachment pattern is empty")
		}
		if err := setAttachDir(c, dir); err != nil {
			return err
		}
		c.attachTpl, c.attachColumn = pattern, ""
		return nil
	}
}

func setAttachDir(c *config, dir string) error {
	if strings.TrimSpace(dir) == "" {
		return optionError("the attachment folder is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return optionError("attachment folder %q: %v", dir, err)
	}
	c.attachDir = abs
	return nil
}

// WithSeveralFilesPerEntry lets one name pattern match several files. By
// default each entry must match exactly one file, so "{{ID}}*.pdf" for ID 1
// does not quietly attach 10.pdf and 11.pdf too.
func WithSeveralFilesPerEntry() Option {
	return func(c *config) error { c.several = true; return nil }
}

// WithSizeLimit sets the largest encoded message the account accepts, in
// bytes (DefaultSizeLimit when not set).
func WithSizeLimit(bytes int64) Option {
	return func(c *config) error {
		if bytes <= 0 {
			return optionError("the size limit must be positive, got %d", bytes)
		}
		c.sizeLimit = bytes
		return nil
	}
}

// WithSource names the recipient file and sheet, so row problems say
// where the row is.
func WithSource(file, sheet string) Option {
	return func(c *config) error { c.file, c.sheet = file, sheet; return nil }
}
