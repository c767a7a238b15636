package recipients

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// countStarts is what encoding/xml sees: the meter must agree with it.
func countStarts(t *testing.T, doc string) (elements, named int64) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("invalid test document: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			elements++
			if se.Name.Local == "si" {
				named++
			}
		}
	}
}

func TestXMLMeterCountsElementsAsEncodingXMLDoes(t *testing.T) {
	docs := []string{
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<sst xmlns="x" count="3"><si><t>a</t></si><si/><si><r><t xml:space="preserve"> b </t></r></si></sst>`,
		`<x:sst xmlns:x="x"><x:si><x:t>1 &lt; 2 &amp; 3 > 2</x:t></x:si><x:si/></x:sst>`,
		`<a b="1>2" c='"x>"'><!-- <si> is not an element here --><![CDATA[<si></si>]]><si
		  d="e"/><sis/><s/></a>`,
		`<!DOCTYPE a><a><?pi <si>?><si>text</si></a>`,
	}
	for _, doc := range docs {
		wantEl, wantSI := countStarts(t, doc)
		for _, r := range []io.Reader{strings.NewReader(doc), iotest.OneByteReader(strings.NewReader(doc))} {
			m := newXMLMeter(r, 1<<20)
			m.name = "si"
			if err := m.drain(); err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			if m.elements != wantEl || m.items != wantSI {
				t.Errorf("%s:\nmeter counted %d elements, %d si; encoding/xml %d, %d", doc, m.elements, m.items, wantEl, wantSI)
			}
		}
	}
}

func TestXMLMeterRefusesLongTokens(t *testing.T) {
	long := strings.Repeat("A", 2000)
	tests := map[string]string{
		"text":             `<a><t>` + long + `</t></a>`,
		"text before root": long + `<a/>`,
		"attribute":        `<a b="` + long + `"/>`,
		"attribute with >": `<a b="` + strings.Repeat(">", 2000) + `"/>`,
		"tag name":         `<a` + long + `/>`,
		"comment":          `<a><!--` + strings.Repeat("->", 1000) + `--></a>`,
		"cdata":            `<a><![CDATA[` + strings.Repeat("]>", 1000) + `]]></a>`,
		"unclosed tag":     `<a ` + long,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			for _, fast := range []bool{false, true} {
				for _, r := range []io.Reader{strings.NewReader(doc), iotest.OneByteReader(strings.NewReader(doc))} {
					m := newXMLMeter(r, 1000)
					m.fast = fast
					if err := m.drain(); !errors.Is(err, errTokenTooLong) {
						t.Errorf("fast %v: drain: %v, want errTokenTooLong", fast, err)
					}
				}
			}
		})
	}
	// Many tokens just under the limit are fine: the limit is per token.
	ok := `<a>` + strings.Repeat(`<t>`+strings.Repeat("A", 990)+`</t><!-- `+strings.Repeat("<", 900)+` -->`, 100) + `</a>`
	for _, fast := range []bool{false, true} {
		m := newXMLMeter(iotest.HalfReader(strings.NewReader(ok)), 1000)
		m.fast = fast
		if err := m.drain(); err != nil {
			t.Errorf("fast %v: short tokens refused: %v", fast, err)
		}
	}
}

func TestXMLMeterStopsWhenTheCallerSaysSo(t *testing.T) {
	stop := errors.New("too costly")
	m := newXMLMeter(strings.NewReader(`<a>`+strings.Repeat(`<si/>`, 100)+`</a>`), 1000)
	m.countEvery = 10
	calls := 0
	m.onStart = func(elements, _ int64) error {
		calls++
		if elements >= 30 {
			return stop
		}
		return nil
	}
	if err := m.drain(); !errors.Is(err, stop) {
		t.Fatalf("drain: %v, want the caller's error", err)
	}
	if calls != 3 {
		t.Errorf("onStart called %d times, want 3", calls)
	}
}
