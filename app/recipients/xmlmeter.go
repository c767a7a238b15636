package recipients

import (
	"bytes"
	"errors"
	"io"
)

// errTokenTooLong is returned by xmlMeter when one tag, comment or run of
// text exceeds its limit.
var errTokenTooLong = errors.New("an XML token exceeds the size limit")

// xmlMeter passes an XML part through while measuring it: it counts start
// tags (and, when name is set, those with that local name) and fails as
// soon as one token — a tag, a comment, a CDATA section or the text
// between two tags — is longer than maxToken bytes. encoding/xml holds a
// whole token in memory, so a part that unpacks to one gigabyte of text
// would otherwise cost gigabytes; Excel's own cells hold at most 32,767
// characters. It understands just enough XML to find where tokens end:
// quotes inside tags, comments and CDATA.
type xmlMeter struct {
	r        io.Reader
	maxToken int
	// name, when set, is the local name whose start tags count as items.
	name string
	// onStart, when set, is called every countEvery start tags so a caller
	// can stop a part as soon as it costs too much.
	onStart    func(elements, items int64) error
	countEvery int64

	// fast is set when only token sizes are wanted (no counting): text and
	// tags are then measured together, from one '<' to the next, which
	// bounds both since '<' cannot occur inside either; only comments and
	// CDATA sections, which may hold '<', are followed exactly.
	fast bool

	state    meterState
	run      int    // bytes of the current token so far
	quote    byte   // the open quote inside a tag, or 0
	tail     uint32 // the last two bytes seen in a comment or CDATA section
	head     []byte // the first bytes of the current tag, to read its kind and name
	elements int64
	items    int64
	failed   error
}

type meterState uint8

const (
	inText    meterState = iota
	fastOpen             // just after '<', in fast mode
	tagOpen              // just after '<'
	inTag                // a start tag, end tag, declaration or processing instruction
	inComment            // <!-- … -->
	inCDATA              // <![CDATA[ … ]]>
)

// maxTagHead is how much of a tag the meter keeps to decide its kind and
// name: enough for "![CDATA[" and a namespaced element name.
const maxTagHead = 64

func newXMLMeter(r io.Reader, maxToken int) *xmlMeter {
	return &xmlMeter{r: r, maxToken: maxToken, head: make([]byte, 0, maxTagHead)}
}

func (m *xmlMeter) Read(p []byte) (int, error) {
	if m.failed != nil {
		return 0, m.failed
	}
	n, err := m.r.Read(p)
	if n > 0 {
		if ferr := m.scan(p[:n]); ferr != nil {
			m.failed = ferr
			return 0, ferr
		}
	}
	return n, err
}

// drain reads the rest of the part, measuring it.
func (m *xmlMeter) drain() error {
	_, err := io.Copy(io.Discard, m)
	return err
}

func (m *xmlMeter) grow(n int) error {
	m.run += n
	if m.run > m.maxToken {
		return errTokenTooLong
	}
	return nil
}

func (m *xmlMeter) scan(b []byte) error {
	for len(b) > 0 {
		switch m.state {
		case inText:
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				return m.grow(len(b))
			}
			if err := m.grow(i); err != nil {
				return err
			}
			b = b[i+1:]
			m.state, m.run, m.head = tagOpen, 1, m.head[:0]
			if m.fast {
				m.state = fastOpen
			}
		case fastOpen:
			if b[0] == '!' { // a comment, CDATA section or declaration
				m.state = tagOpen
				continue
			}
			m.state = inText
		case tagOpen:
			// Collect the tag's first bytes until its kind is known.
			c := b[0]
			b = b[1:]
			if err := m.grow(1); err != nil {
				return err
			}
			delim := c == '>' || c == '"' || c == '\'' || isSpace(c) || c == '/' && len(m.head) > 0
			if !delim && len(m.head) < maxTagHead {
				m.head = append(m.head, c)
				switch string(m.head) {
				case "!--":
					m.state, m.tail = inComment, 0
				case "![CDATA[":
					m.state, m.tail = inCDATA, 0
				}
				continue
			}
			if err := m.startTag(); err != nil {
				return err
			}
			m.state = inTag
			switch c {
			case '>':
				m.endToken()
			case '"', '\'':
				m.quote = c
			}
		case inTag:
			if m.quote != 0 {
				i := bytes.IndexByte(b, m.quote)
				if i < 0 {
					return m.grow(len(b))
				}
				if err := m.grow(i + 1); err != nil {
					return err
				}
				b, m.quote = b[i+1:], 0
				continue
			}
			i := bytes.IndexAny(b, `>"'`)
			if i < 0 {
				return m.grow(len(b))
			}
			if err := m.grow(i + 1); err != nil {
				return err
			}
			c := b[i]
			b = b[i+1:]
			if c == '>' {
				m.endToken()
			} else {
				m.quote = c
			}
		case inComment, inCDATA:
			// The section ends at "-->" or "]]>": look for each '>' and
			// at the two bytes before it, which may be in an earlier read.
			mark := byte('-')
			if m.state == inCDATA {
				mark = ']'
			}
			i := bytes.IndexByte(b, '>')
			if i < 0 {
				m.remember(b)
				return m.grow(len(b))
			}
			m.remember(b[:i])
			if err := m.grow(i + 1); err != nil {
				return err
			}
			closed := m.tail == uint32(mark)<<8|uint32(mark)
			m.remember(b[i : i+1])
			b = b[i+1:]
			if closed {
				m.endToken()
			}
		}
	}
	return nil
}

// remember keeps the last two bytes seen inside a comment or CDATA section.
func (m *xmlMeter) remember(b []byte) {
	for _, c := range b[max(0, len(b)-2):] {
		m.tail = (m.tail<<8 | uint32(c)) & 0xFFFF
	}
}

// startTag classifies the tag whose head was collected: only start tags
// count as elements.
func (m *xmlMeter) startTag() error {
	if len(m.head) == 0 || m.head[0] == '/' || m.head[0] == '?' || m.head[0] == '!' {
		return nil
	}
	m.elements++
	if m.name != "" {
		local := m.head
		if i := bytes.IndexByte(local, ':'); i >= 0 {
			local = local[i+1:]
		}
		if string(local) == m.name {
			m.items++
		}
	}
	if m.onStart != nil && m.elements%m.countEvery == 0 {
		return m.onStart(m.elements, m.items)
	}
	return nil
}

func (m *xmlMeter) endToken() {
	m.state, m.run, m.quote = inText, 0, 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
