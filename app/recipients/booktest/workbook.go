package booktest

import "strings"

// Parts of a minimal workbook with one worksheet, "Sheet1".
const (
	ContentTypesPart  = "[Content_Types].xml"
	WorkbookPart      = "xl/workbook.xml"
	SheetPart         = "xl/worksheets/sheet1.xml"
	SharedStringsPart = "xl/sharedStrings.xml"
	StylesPart        = "xl/styles.xml"
)

const (
	mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	relNS  = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	// SheetHead opens a worksheet's XML up to its first row.
	SheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet ` + mainNS + ` ` + relNS + `><sheetData>`
	// SheetTail closes what SheetHead opened.
	SheetTail = `</sheetData></worksheet>`
	// SharedStringsHead opens a shared string table.
	SharedStringsHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<sst ` + mainNS + `>`
	// StylesHead opens a style sheet.
	StylesHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<styleSheet ` + mainNS + `>`
)

// InlineRow is a worksheet row of inline strings, one per cell.
func InlineRow(cells ...string) string {
	var b strings.Builder
	b.WriteString("<row>")
	for _, c := range cells {
		b.WriteString(`<c t="inlineStr"><is><t>`)
		b.WriteString(c) // callers pass text without XML specials
		b.WriteString(`</t></is></c>`)
	}
	b.WriteString("</row>")
	return b.String()
}

// SmallSheet is a worksheet holding rows as inline strings.
func SmallSheet(rows ...[]string) Part {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(InlineRow(r...))
	}
	return Part{Name: SheetPart, Head: SheetHead + b.String(), Tail: SheetTail}
}

// WriteWorkbook writes a workbook with one worksheet, Sheet1: the package
// skeleton plus parts, which replace skeleton parts of the same name. A
// shared string table or style sheet among parts is declared in the
// package as Excel would declare it.
func WriteWorkbook(path string, parts ...Part) error {
	given := map[string]bool{}
	for _, p := range parts {
		given[p.Name] = true
	}
	types := `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if given[SharedStringsPart] {
		types += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	if given[StylesPart] {
		types += `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
		rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	}
	skeleton := []Part{
		{Name: ContentTypesPart, Head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` + types + `</Types>`},
		{Name: "_rels/.rels", Head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{Name: WorkbookPart, Head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook ` + mainNS + ` ` + relNS + `><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{Name: "xl/_rels/workbook.xml.rels", Head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`},
	}
	var all []Part
	for _, p := range skeleton {
		if !given[p.Name] {
			all = append(all, p)
		}
	}
	return WritePackage(path, append(all, parts...)...)
}
