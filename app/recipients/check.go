package recipients

import (
	"errors"
	"strings"

	"mailroom/app/msg"
)

// MultiAddress says what a cell holding several addresses becomes.
type MultiAddress int

const (
	// SplitAddresses sends each address its own message (the default).
	SplitAddresses MultiAddress = iota
	// TogetherAddresses sends one message to all the cell's addresses.
	TogetherAddresses
)

// DuplicatePolicy says what happens to an address seen on an earlier row.
type DuplicatePolicy int

const (
	// SendOnce sends to the first row only and reports the others (the
	// default: nobody wants the same mail twice).
	SendOnce DuplicatePolicy = iota
	// KeepAll sends every row, e.g. one message per order.
	KeepAll
)

// ParseMultiAddress reads the campaign file's "split" or "together".
func ParseMultiAddress(s string) (MultiAddress, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "split":
		return SplitAddresses, nil
	case "together":
		return TogetherAddresses, nil
	}
	return 0, msg.Errorf(nil, `multiple addresses in a cell must be "split" or "together", not "{{.Value}}"`, "Value", s)
}

// ParseDuplicatePolicy reads the campaign file's "once" or "keep".
func ParseDuplicatePolicy(s string) (DuplicatePolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "once":
		return SendOnce, nil
	case "keep":
		return KeepAll, nil
	}
	return 0, msg.Errorf(nil, `duplicates must be "once" or "keep", not "{{.Value}}"`, "Value", s)
}

// CheckOption configures a Checker.
type CheckOption func(*Checker) error

// WithMultiAddress chooses what a cell with several addresses becomes.
func WithMultiAddress(m MultiAddress) CheckOption {
	return func(c *Checker) error {
		if m != SplitAddresses && m != TogetherAddresses {
			return errors.New("recipients: unknown multi-address mode")
		}
		c.multi = m
		return nil
	}
}

// WithDuplicates chooses the duplicate policy.
func WithDuplicates(p DuplicatePolicy) CheckOption {
	return func(c *Checker) error {
		if p != SendOnce && p != KeepAll {
			return errors.New("recipients: unknown duplicate policy")
		}
		c.dups = p
		return nil
	}
}

// WithSuppression skips and reports addresses on the do-not-send list.
func WithSuppression(s *SuppressionList) CheckOption {
	return func(c *Checker) error {
		if s == nil {
			return errors.New("recipients: nil suppression list")
		}
		c.suppress = s
		return nil
	}
}

// WithFilter limits the check to the rows the filter selects; the others
// are excluded without problems.
func WithFilter(f *Filter) CheckOption {
	return func(c *Checker) error {
		c.filter = f
		return nil
	}
}

// Recipient is one message to send: its row and the address(es) on its To
// line (several only with TogetherAddresses).
type Recipient struct {
	Row       Row
	Addresses []Address
	// Key is the message's identity (RowKey): the normalised addresses,
	// sorted, plus "#n" for the n-th occurrence when duplicates are kept.
	// Fixing one row's typo and running again leaves the other rows' keys
	// unchanged.
	Key string
}

// Skip says why a row produces no message.
type Skip int

// Reasons a row is not sent.
const (
	NotSkipped Skip = iota
	SkipFiltered
	SkipInvalid
	SkipSuppressed
	SkipDuplicate
)

// CheckedRow is the verdict on one row.
type CheckedRow struct {
	Row        Row
	Recipients []Recipient
	Problems   Problems
	Skip       Skip
}

// Checker validates rows one at a time, remembering the addresses seen so
// duplicates are found in a single streaming pass (memory grows with the
// number of distinct addresses only).
type Checker struct {
	file, sheet string
	column      Column
	multi       MultiAddress
	dups        DuplicatePolicy
	suppress    *SuppressionList
	filter      *Filter
	// seen holds, per message key, where it first appeared and how often:
	// one map entry per distinct address is all a long list costs.
	seen map[string]seenKey
}

type seenKey struct{ first, count int32 }

// NewChecker checks the addresses in column email of rows read from file
// (and sheet, "" for text files); problems carry that location.
func NewChecker(file, sheet string, email Column, opts ...CheckOption) (*Checker, error) {
	c := &Checker{file: file, sheet: sheet, column: email, seen: map[string]seenKey{}}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Checker) problem(sev Severity, code string, row int, what, fix msg.Text) Problem {
	return Problem{Severity: sev, Code: code, File: c.file, Sheet: c.sheet, Row: row, Column: c.column.Name}.Say(what, fix)
}

// Check validates one row and returns its recipients and problems. Invalid
// addresses are blocking; typos, duplicates and suppressed addresses are
// warnings, and duplicates and suppressed addresses are left out.
func (c *Checker) Check(row Row) CheckedRow {
	out := CheckedRow{Row: row}
	if !c.filter.Match(row) {
		out.Skip = SkipFiltered
		return out
	}
	cell := strings.TrimSpace(row.Value(c.column.Index))
	if link := row.Mailto(c.column.Index); link != "" && !strings.Contains(cell, "@") {
		cell = link // the cell shows a name; its mailto: link holds the address
	}
	if cell == "" {
		out.Problems = append(out.Problems, c.problem(Blocking, "empty-address", row.Number,
			msg.T("the address is empty"), msg.T("fill it in or exclude the row")))
		out.Skip = SkipInvalid
		return out
	}
	var valid []Address
	invalid, suppressed, duplicate := 0, 0, 0
	for _, part := range SplitCell(cell) {
		a, err := ParseAddress(part)
		if err != nil {
			var ae *AddressError
			errors.As(err, &ae)
			out.Problems = append(out.Problems, c.problem(Blocking, "invalid-address", row.Number, ae.What, ae.Fix))
			invalid++
			continue
		}
		domain := a.Addr[strings.LastIndexByte(a.Addr, '@')+1:]
		if s := SuggestDomain(domain); s != "" {
			out.Problems = append(out.Problems, c.problem(Warning, "address-typo", row.Number,
				msg.T(`"{{.Address}}": the domain "{{.Domain}}" looks like a typo of {{.Suggestion}}`, "Address", a.Addr, "Domain", domain, "Suggestion", s),
				msg.T("correct it if so; otherwise this message can be ignored")))
		}
		if e, ok := c.suppress.Match(a.Addr); ok {
			what := msg.T(`"{{.Address}}" is on the do-not-send list`, "Address", a.Addr)
			if e.IsDomain() {
				what = msg.T(`"{{.Address}}" is in {{.Domain}}, which is on the do-not-send list`, "Address", a.Addr, "Domain", e.Value[1:])
			}
			out.Problems = append(out.Problems, c.problem(Warning, "suppressed", row.Number, what,
				msg.T("it will be skipped; remove it from the do-not-send list to mail it")))
			suppressed++
			continue
		}
		valid = append(valid, a)
	}
	if c.multi == TogetherAddresses && len(valid) > 0 {
		if r, ok := c.recipient(row, valid, &out); ok {
			out.Recipients = append(out.Recipients, r)
		} else {
			duplicate++
		}
	} else {
		for _, a := range valid {
			if r, ok := c.recipient(row, []Address{a}, &out); ok {
				out.Recipients = append(out.Recipients, r)
			} else {
				duplicate++
			}
		}
	}
	if len(out.Recipients) == 0 {
		switch {
		case invalid > 0:
			out.Skip = SkipInvalid
		case suppressed > 0:
			out.Skip = SkipSuppressed
		case duplicate > 0:
			out.Skip = SkipDuplicate
		}
	}
	return out
}

// recipient applies the duplicate policy to one message's addresses.
func (c *Checker) recipient(row Row, addrs []Address, out *CheckedRow) (Recipient, bool) {
	key := RowKey(addrStrings(addrs), 1)
	sk := c.seen[key]
	if sk.count == 0 {
		sk.first = int32(row.Number)
	}
	sk.count++
	c.seen[key] = sk
	n := int(sk.count)
	if n == 1 {
		return Recipient{Row: row, Addresses: addrs, Key: key}, true
	}
	if c.dups == KeepAll {
		return Recipient{Row: row, Addresses: addrs, Key: RowKey(addrStrings(addrs), n)}, true
	}
	first := int(sk.first)
	what := msg.T(`"{{.Address}}" already appears on row {{.Row}}`, "Address", strings.Join(addrStrings(addrs), ", "), "Row", first)
	if first == row.Number {
		what = msg.T(`"{{.Address}}" already appears earlier in this cell`, "Address", strings.Join(addrStrings(addrs), ", "))
	}
	out.Problems = append(out.Problems, c.problem(Warning, "duplicate", row.Number, what,
		msg.T("it gets one message; choose to keep duplicates to send again")))
	return Recipient{}, false
}

func addrStrings(addrs []Address) []string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.Addr
	}
	return s
}
