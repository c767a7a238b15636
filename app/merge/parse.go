package merge

import (
	"mailroom/app/msg"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in a template source, both counted from 1. Col counts
// characters, not bytes, so it matches what the user sees in an editor.
type Pos struct {
	Line, Col int
}

// token is one piece of the source: literal text, or the inside of a tag.
type token struct {
	text  string
	isTag bool
	pos   Pos
}

// lex splits src into text and tag tokens. It only fails on a "{{" that is
// never closed.
func lex(name, src string) ([]token, error) {
	var toks []token
	line, col := 1, 1
	advance := func(s string) {
		for _, r := range s {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
	}
	for len(src) > 0 {
		open := strings.Index(src, "{{")
		if open < 0 {
			toks = append(toks, token{text: src, pos: Pos{line, col}})
			break
		}
		if open > 0 {
			toks = append(toks, token{text: src[:open], pos: Pos{line, col}})
			advance(src[:open])
		}
		start := Pos{line, col}
		end := closingBraces(src[open+2:])
		if end < 0 {
			return nil, newSyntaxError(name, start, msg.T(`"{{.Open}}" is never closed with "{{.Close}}"`, "Open", "{{", "Close", "}}"))
		}
		inner := src[open+2 : open+2+end]
		toks = append(toks, token{text: inner, isTag: true, pos: start})
		advance(src[open : open+2+end+2])
		src = src[open+2+end+2:]
	}
	return toks, nil
}

// closingBraces returns the index of the "}}" closing a tag, skipping
// quoted strings so that a fallback like "}}" does not end the tag. A
// newline before the closing braces means the tag was left open.
func closingBraces(s string) int {
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"':
			quote = '"'
		case r == '“':
			quote = '”'
		case r == '\n':
			return -1
		case r == '}' && strings.HasPrefix(s[i:], "}}"):
			return i
		}
	}
	return -1
}

// trimStandalone removes the line of a block tag ({{if}}, {{else}},
// {{end}}) that stands alone on its line, so that conditionals in plain
// text bodies do not leave blank lines behind.
func trimStandalone(toks []token) {
	// Decide on the original texts first: two standalone tags on adjacent
	// lines both trim the text between them.
	from := make([]int, len(toks))
	to := make([]int, len(toks))
	for i := range toks {
		to[i] = len(toks[i].text)
	}
	for i := range toks {
		if !toks[i].isTag || !isBlockTag(toks[i].text) {
			continue
		}
		beforeOK, cutBefore := i == 0, 0
		if i > 0 && !toks[i-1].isTag {
			before := toks[i-1].text
			nl := strings.LastIndexByte(before, '\n')
			beforeOK = (nl >= 0 || i == 1) && isBlank(before[nl+1:])
			cutBefore = nl + 1
		}
		afterOK, cutAfter := i == len(toks)-1, 0
		if i+1 < len(toks) && !toks[i+1].isTag {
			after := toks[i+1].text
			nl := strings.IndexByte(after, '\n')
			switch {
			case nl >= 0 && isBlank(after[:nl]):
				afterOK, cutAfter = true, nl+1
			case nl < 0 && isBlank(after) && i+1 == len(toks)-1:
				afterOK, cutAfter = true, len(after)
			}
		}
		if !beforeOK || !afterOK {
			continue
		}
		if i > 0 && !toks[i-1].isTag {
			to[i-1] = min(to[i-1], cutBefore)
		}
		if i+1 < len(toks) && !toks[i+1].isTag {
			from[i+1] = max(from[i+1], cutAfter)
		}
	}
	for i := range toks {
		if !toks[i].isTag {
			toks[i].text = toks[i].text[from[i]:max(from[i], to[i])]
		}
	}
}

func isBlank(s string) bool {
	return strings.TrimLeft(s, " \t\r") == ""
}

func isBlockTag(inner string) bool {
	kw, _ := keyword(inner)
	return kw == "if" || kw == "else" || kw == "end"
}

// keyword returns the lower-cased keyword a tag starts with ("if", "else",
// "end") and the rest of the tag, or "" when the tag is a field.
func keyword(inner string) (string, string) {
	s := strings.TrimSpace(inner)
	word, rest, _ := strings.Cut(s, " ")
	switch w := strings.ToLower(word); w {
	case "if", "else":
		return w, strings.TrimSpace(rest)
	case "end":
		if rest == "" {
			return w, ""
		}
	}
	return "", s
}

// parser turns tokens into a node tree.
type parser struct {
	name string
	toks []token
	i    int
	refs []*fieldRef
}

// parseNodes parses until {{else}}/{{end}} or the end of input and returns
// the nodes and the terminating tag (nil at end of input).
func (p *parser) parseNodes() ([]node, *token, error) {
	var nodes []node
	for p.i < len(p.toks) {
		t := &p.toks[p.i]
		p.i++
		if !t.isTag {
			if t.text != "" {
				nodes = append(nodes, textNode(t.text))
			}
			continue
		}
		kw, rest := keyword(t.text)
		switch kw {
		case "else", "end":
			return nodes, t, nil
		case "if":
			n, err := p.parseIf(t, rest)
			if err != nil {
				return nil, nil, err
			}
			nodes = append(nodes, n)
		default:
			n, err := p.parseValue(t, rest)
			if err != nil {
				return nil, nil, err
			}
			nodes = append(nodes, n)
		}
	}
	return nodes, nil, nil
}

func (p *parser) parseIf(open *token, condSrc string) (node, error) {
	c, err := p.parseCond(open, condSrc)
	if err != nil {
		return nil, err
	}
	n := &ifNode{cond: c}
	var stop *token
	if n.then, stop, err = p.parseNodes(); err != nil {
		return nil, err
	}
	if stop == nil {
		return nil, p.errorf(open.pos, msg.T(`"{{.Tag}}" has no matching "{{.End}}"`, "Tag", "{{if "+condSrc+"}}", "End", "{{end}}"))
	}
	if kw, rest := keyword(stop.text); kw == "else" {
		if elseKw, elseCond := keyword(rest); elseKw == "if" {
			// {{else if X}} is an {{if}} nested in the else branch that
			// shares the outer {{end}}.
			nested, err := p.parseIf(stop, elseCond)
			if err != nil {
				return nil, err
			}
			n.els = []node{nested}
			return n, nil
		} else if rest != "" {
			return nil, p.errorf(stop.pos, msg.T(`"{{.Else}}" takes nothing after it; did you mean "{{.ElseIf}}"?`, "Else", "{{else}}", "ElseIf", "{{else if "+rest+"}}"))
		}
		if n.els, stop, err = p.parseNodes(); err != nil {
			return nil, err
		}
		if stop == nil {
			return nil, p.errorf(open.pos, msg.T(`"{{.Tag}}" has no matching "{{.End}}"`, "Tag", "{{if "+condSrc+"}}", "End", "{{end}}"))
		}
		if kw, _ := keyword(stop.text); kw == "else" {
			return nil, p.errorf(stop.pos, msg.T(`a second "{{.Else}}" in the same "{{.If}}"`, "Else", "{{else}}", "If", "{{if}}"))
		}
	}
	return n, nil
}

func (p *parser) parseCond(at *token, src string) (condition, error) {
	var c condition
	if src == "" {
		return c, p.errorf(at.pos, msg.T(`"{{.If}}" needs a column name, e.g. {{.Example}}`, "If", "{{if}}", "Example", "{{if VIP}}"))
	}
	if w, rest, ok := strings.Cut(src, " "); ok && strings.EqualFold(w, "not") {
		c.negate, src = true, strings.TrimSpace(rest)
	}
	name, op, value := splitOperator(src)
	ref, err := p.fieldRef(at, name)
	if err != nil {
		return c, err
	}
	c.field = ref
	if op != "" {
		if c.value, err = unquote(value); err != nil {
			return c, p.errorf(at.pos, quoteError(err))
		}
		c.compare = true
		if op == "!=" {
			c.negate = !c.negate
		}
	}
	return c, nil
}

func (p *parser) parseValue(t *token, src string) (node, error) {
	if src == "" {
		return nil, p.errorf(t.pos, msg.T(`"{{.Empty}}" is empty; write a column name inside, e.g. {{.Example}}`, "Empty", "{{}}", "Example", "{{Name}}"))
	}
	if src[0] == '"' || strings.HasPrefix(src, "“") {
		lit, err := unquote(src)
		if err != nil {
			return nil, p.errorf(t.pos, quoteError(err))
		}
		return textNode(lit), nil
	}
	name, fallback, hasFallback := splitOutsideQuotes(src, '|')
	ref, err := p.fieldRef(t, name)
	if err != nil {
		return nil, err
	}
	n := &fieldNode{ref: ref}
	if hasFallback {
		if n.fallback, err = unquote(fallback); err != nil {
			return nil, p.errorf(t.pos, quoteError(err))
		}
	}
	return n, nil
}

// fieldRef reads a column name, written plainly or in [brackets] when the
// header itself contains "|", "=" or quotes or starts with a keyword.
func (p *parser) fieldRef(t *token, name string) (*fieldRef, error) {
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
		name = name[1 : len(name)-1]
	}
	if strings.TrimSpace(name) == "" {
		return nil, p.errorf(t.pos, msg.T("a column name is missing in {{.Tag}}", "Tag", "{{"+strings.TrimSpace(t.text)+"}}"))
	}
	ref := &fieldRef{name: name, pos: t.pos, col: -1}
	p.refs = append(p.refs, ref)
	return ref, nil
}

// splitOperator splits `Country = "China"` into name, operator and value.
// Operators inside [brackets] or quotes do not count.
func splitOperator(s string) (name, op, value string) {
	i := indexOutsideQuotes(s, func(rest string) bool {
		return rest[0] == '=' || strings.HasPrefix(rest, "!=")
	})
	if i < 0 {
		return s, "", ""
	}
	op, width := "=", 1
	if strings.HasPrefix(s[i:], "!=") {
		op, width = "!=", 2
	} else if strings.HasPrefix(s[i:], "==") {
		width = 2
	}
	return s[:i], op, strings.TrimSpace(s[i+width:])
}

// splitOutsideQuotes splits s at the first sep outside quotes and brackets.
func splitOutsideQuotes(s string, sep rune) (string, string, bool) {
	i := indexOutsideQuotes(s, func(rest string) bool {
		return strings.HasPrefix(rest, string(sep))
	})
	if i < 0 {
		return s, "", false
	}
	return s[:i], strings.TrimSpace(s[i+utf8.RuneLen(sep):]), true
}

// indexOutsideQuotes returns the byte offset of the first position outside
// "quotes", “quotes” and [brackets] where at(s[offset:]) holds, or -1.
// Both operators and the fallback "|" may appear inside a quoted value or
// a bracketed column name, so they only count at this level.
func indexOutsideQuotes(s string, at func(rest string) bool) int {
	depth := 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"':
			quote = '"'
		case r == '“':
			quote = '”'
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0 && at(s[i:]):
			return i
		}
	}
	return -1
}

// unquote accepts "text", “text” (as Chinese input methods type it) or, as
// a forgiving fallback, bare text.
func unquote(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, q := range [][2]string{{`"`, `"`}, {"“", "”"}} {
		if strings.HasPrefix(s, q[0]) {
			rest := s[len(q[0]):]
			end := strings.Index(rest, q[1])
			if end < 0 {
				return "", errUnterminated
			}
			if strings.TrimFunc(rest[end+len(q[1]):], unicode.IsSpace) != "" {
				return "", errAfterQuote
			}
			return rest[:end], nil
		}
	}
	return s, nil
}

func (p *parser) errorf(pos Pos, text msg.Text) error {
	return newSyntaxError(p.name, pos, text)
}
