package booktest

import (
	"archive/zip"
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// ListHeader is the header row of the lists WriteList writes.
var ListHeader = []string{"姓名", "Email", "城市", "公司", "手机", "Status", "备注", "等级", "订单", "年份"}

var cities = []string{"北京", "上海", "广州", "深圳", "杭州", "成都", "Berlin", "Paris", "London", "New York"}

// ListRow is data row r (2 = the first one) of the lists WriteList writes:
// ten columns, a unique name, address, phone and order number, and
// repeated cities, companies and notes, as real customer lists have.
func ListRow(r int) []string {
	return []string{
		fmt.Sprintf("客户 %d", r),
		fmt.Sprintf("customer%d@example.com", r),
		cities[r%len(cities)],
		fmt.Sprintf("公司 %d", r%500),
		fmt.Sprintf("138%08d", r),
		[]string{"new", "sent", "failed"}[r%3],
		fmt.Sprintf("备注 note %d", r%1000),
		"VIP",
		fmt.Sprintf("订单 %d", r*7),
		"2024",
	}
}

// WriteList writes a workbook of rows data rows under ListHeader whose
// text cells use the shared string table, as Excel writes them.
// excelize's StreamWriter only writes inline strings, so excelize builds
// the package skeleton (styles, theme, content types, relationships) and
// the worksheet and string table are streamed into the zip here.
func WriteList(path string, rows int) error {
	skelPath := path + ".skeleton.xlsx"
	skeleton := excelize.NewFile()
	if err := skeleton.SetCellValue("Sheet1", "A1", "x"); err != nil {
		return err
	}
	if err := skeleton.SaveAs(skelPath); err != nil {
		return err
	}
	skeleton.Close()
	defer os.Remove(skelPath)
	zr, err := zip.OpenReader(skelPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if f.Name == SheetPart || f.Name == SharedStringsPart {
			continue
		}
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	index := map[string]int{}
	var table []string
	intern := func(s string) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(table)
		table = append(table, s)
		return len(table) - 1
	}
	w, err := zw.Create(SheetPart)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet `+mainNS+` `+relNS+`>`+
		fmt.Sprintf(`<dimension ref="A1:J%d"/><sheetData>`, rows+1))
	for r := 1; r <= rows+1; r++ {
		cells := ListHeader
		if r > 1 {
			cells = ListRow(r)
		}
		fmt.Fprintf(bw, `<row r="%d">`, r)
		for c, v := range cells {
			name, _ := excelize.CoordinatesToCellName(c+1, r)
			fmt.Fprintf(bw, `<c r="%s" t="s"><v>%d</v></c>`, name, intern(v))
		}
		bw.WriteString("</row>")
	}
	bw.WriteString("</sheetData></worksheet>")
	if err := bw.Flush(); err != nil {
		return err
	}
	if w, err = zw.Create(SharedStringsPart); err != nil {
		return err
	}
	bw = bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst `+mainNS+` count="%d" uniqueCount="%d">`, (rows+1)*10, len(table))
	for _, s := range table {
		bw.WriteString("<si><t>")
		bw.WriteString(s) // generated text holds no XML specials
		bw.WriteString("</t></si>")
	}
	bw.WriteString("</sst>")
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

// CachedList returns a list of rows data rows in dir, writing it the first
// time: benchmarks run several times and share one file per size.
func CachedList(dir string, rows int) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("list-%d.xlsx", rows))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := path + ".part"
	if err := WriteList(tmp, rows); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return path, os.Rename(tmp, path)
}
