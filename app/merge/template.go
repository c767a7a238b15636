package merge

import (
	"errors"
	"fmt"
	"mailroom/app/msg"
	"strings"
)

// Template is a parsed merge template. Parse it once, Bind it to the
// recipient table's columns once, then Execute it for every row: nothing is
// parsed or looked up by name per row. A bound Template is read-only and
// safe for concurrent use.
type Template struct {
	name  string
	nodes []node
	refs  []*fieldRef
}

// ErrSyntax is wrapped by every *SyntaxError.
var ErrSyntax = errors.New("template syntax error")

// SyntaxError is a template that cannot be parsed, with the position of
// the offending tag.
type SyntaxError struct {
	// Template names the template ("subject", the body's file name…).
	Template string
	Pos      Pos
	// Msg is Text in English.
	Msg  string
	Text msg.Text
}

func newSyntaxError(name string, pos Pos, text msg.Text) *SyntaxError {
	return &SyntaxError{Template: name, Pos: pos, Msg: text.String(), Text: text}
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s, line %d, column %d: %s", e.Template, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Unwrap lets errors.Is(err, ErrSyntax) match.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

var (
	errUnterminated = msg.Errorf(nil, "a quoted text is missing its closing quote")
	errAfterQuote   = msg.Errorf(nil, "unexpected text after the closing quote")
)

// quoteError is the words of errUnterminated or errAfterQuote.
func quoteError(err error) msg.Text {
	t, _ := msg.TextOf(err)
	return t
}

// Parse parses src. name identifies the template in error messages.
func Parse(name, src string) (*Template, error) {
	toks, err := lex(name, src)
	if err != nil {
		return nil, err
	}
	trimStandalone(toks)
	p := &parser{name: name, toks: toks}
	nodes, stop, err := p.parseNodes()
	if err != nil {
		return nil, err
	}
	if stop != nil {
		kw, _ := keyword(stop.text)
		return nil, p.errorf(stop.pos, msg.T(`"{{.Tag}}" without a matching "{{.If}}"`, "Tag", "{{"+kw+"}}", "If", "{{if}}"))
	}
	return &Template{name: name, nodes: nodes, refs: p.refs}, nil
}

// Name returns the name given to Parse.
func (t *Template) Name() string { return t.name }

// FieldUse is one place a template refers to a column.
type FieldUse struct {
	Name string
	Pos  Pos
}

// Fields lists every column reference in source order.
func (t *Template) Fields() []FieldUse {
	out := make([]FieldUse, len(t.refs))
	for i, r := range t.refs {
		out[i] = FieldUse{Name: r.name, Pos: r.pos}
	}
	return out
}

// UnknownField is a reference to a column the table does not have.
type UnknownField struct {
	Template string
	Name     string
	Pos      Pos
	// Suggestion is the closest existing column, or "" when none is close.
	Suggestion string
}

// Bind resolves every column reference against cols and returns the
// references that match no column. Unknown references render as empty
// text, so a preview still works while the user fixes the template.
func (t *Template) Bind(cols *Columns) []UnknownField {
	var unknown []UnknownField
	for _, r := range t.refs {
		i, ok := cols.Index(r.name)
		if !ok {
			r.col = -1
			unknown = append(unknown, UnknownField{Template: t.name, Name: r.name,
				Pos: r.pos, Suggestion: cols.Suggest(r.name)})
			continue
		}
		r.col = i
	}
	return unknown
}

// Execute renders the template for one row. values holds the row's cells
// in column order; esc transforms every inserted cell value (and fallback)
// for the output format. It returns the text and the columns whose empty
// value was inserted without a fallback.
func (t *Template) Execute(values []string, esc Escaper) (string, []int) {
	st := renderState{values: values, esc: esc}
	renderNodes(&st, t.nodes)
	return st.out.String(), st.empty
}

// Escaper prepares a cell value for the output it is inserted into.
type Escaper func(string) string

type renderState struct {
	out    strings.Builder
	values []string
	esc    Escaper
	empty  []int
}

func (st *renderState) value(r *fieldRef) string {
	if r.col < 0 || r.col >= len(st.values) {
		return ""
	}
	return st.values[r.col]
}

type node interface{ render(*renderState) }

type fieldRef struct {
	name string
	pos  Pos
	col  int // index in the bound columns, -1 when unknown
}

type textNode string

func (n textNode) render(st *renderState) { st.out.WriteString(string(n)) }

type fieldNode struct {
	ref      *fieldRef
	fallback string
}

func (n *fieldNode) render(st *renderState) {
	v := st.value(n.ref)
	if strings.TrimSpace(v) == "" {
		if n.fallback == "" {
			if n.ref.col >= 0 {
				st.empty = append(st.empty, n.ref.col)
			}
			return
		}
		v = n.fallback
	}
	if st.esc != nil {
		v = st.esc(v)
	}
	st.out.WriteString(v)
}

type condition struct {
	field   *fieldRef
	compare bool
	value   string
	negate  bool
}

func (c condition) holds(st *renderState) bool {
	v := strings.TrimSpace(st.value(c.field))
	var ok bool
	if c.compare {
		ok = strings.EqualFold(v, strings.TrimSpace(c.value))
	} else {
		ok = truthy(v)
	}
	return ok != c.negate
}

// truthy is what {{if Column}} tests: a non-empty cell that does not say
// no in English or Chinese.
func truthy(v string) bool {
	switch strings.ToLower(v) {
	case "", "0", "no", "false", "否":
		return false
	}
	return true
}

type ifNode struct {
	cond      condition
	then, els []node
}

func (n *ifNode) render(st *renderState) {
	if n.cond.holds(st) {
		renderNodes(st, n.then)
	} else {
		renderNodes(st, n.els)
	}
}

func renderNodes(st *renderState, nodes []node) {
	for _, n := range nodes {
		n.render(st)
	}
}
