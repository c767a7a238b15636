package recipients

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRealWorldTextFiles(t *testing.T) {
	tests := []struct {
		file      string
		encoding  string
		delimiter rune
		email     string
		columns   []string
		rows      [][]string
		numbers   []int
	}{
		{
			file: "gbk.csv", encoding: "GB18030 (GBK)", delimiter: ',', email: "邮箱",
			columns: []string{"姓名", "邮箱", "城市", "备注"},
			rows: [][]string{
				{"张三", "zhangsan@qq.com", "北京", "老客户"},
				{"李四", "lisi@163.com", "上海", ""},
				{"王五", "wangwu@gmial.com", "深圳", "地址含逗号,和换行\n第二行"},
			},
			numbers: []int{2, 3, 4},
		},
		{
			file: "european-semicolon.csv", encoding: "Windows-1252", delimiter: ';', email: "E-Mail",
			columns: []string{"Name", "E-Mail", "Betrag", "Stadt"},
			rows: [][]string{
				{"Jürgen Müller", "juergen.mueller@web.de", "1,50", "Köln"},
				{"François Dupont", "f.dupont@orange.fr", "12,00", "Paris"},
			},
			numbers: []int{2, 3},
		},
		{
			file: "unicode-text.txt", encoding: "UTF-16", delimiter: '\t', email: "Email",
			columns: []string{"Name", "Email", "City"},
			rows: [][]string{
				{"王芳", "wang.fang@126.com", "广州"},
				{"José", "jose@example.es", "Madrid"},
			},
			numbers: []int{2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tab, err := Load(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if tab.Encoding != tt.encoding || tab.Delimiter != tt.delimiter {
				t.Errorf("detected %s / %q, want %s / %q", tab.Encoding, tab.Delimiter, tt.encoding, tt.delimiter)
			}
			if !tab.HasEmail || tab.Email.Name != tt.email {
				t.Errorf("email column %q (found %v), want %q", tab.Email.Name, tab.HasEmail, tt.email)
			}
			if got := tab.Columns.Names(); !reflect.DeepEqual(got, tt.columns) {
				t.Errorf("columns %q, want %q", got, tt.columns)
			}
			var got [][]string
			var numbers []int
			for _, r := range tab.Rows {
				got = append(got, r.Values)
				numbers = append(numbers, r.Number)
			}
			if !reflect.DeepEqual(got, tt.rows) || !reflect.DeepEqual(numbers, tt.numbers) {
				t.Errorf("rows %q at %v,\nwant %q at %v", got, numbers, tt.rows, tt.numbers)
			}
		})
	}
}

func writeText(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCSVRowNumbersMatchExcel(t *testing.T) {
	// Excel's sep= line is hidden; blank lines are rows; a quoted field
	// over two lines is one row.
	path := writeText(t, "list.csv", "sep=|\r\n\r\nName|Email\r\n\"Bob\r\nSmith\"|bob@x.com\r\n\r\n\r\nAnn|ann@y.org\r\n\r\n")
	tab, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Delimiter != '|' || tab.HeaderRow != 2 {
		t.Fatalf("delimiter %q header row %d, want | and 2", tab.Delimiter, tab.HeaderRow)
	}
	if len(tab.Rows) != 2 || tab.Rows[0].Number != 3 || tab.Rows[1].Number != 6 {
		t.Fatalf("rows %+v, want rows 3 and 6", tab.Rows)
	}
	if tab.Rows[0].Values[0] != "Bob\nSmith" {
		t.Errorf("multi-line cell = %q", tab.Rows[0].Values[0])
	}
}

func TestUTF8WithBOMAndLateNonASCII(t *testing.T) {
	path := writeText(t, "bom.csv", "\xEF\xBB\xBFemail;name\r\na@x.com;Zoë\r\n")
	tab, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Encoding != "UTF-8" || tab.Columns[0].Name != "email" || tab.Rows[0].Values[1] != "Zoë" {
		t.Fatalf("got %s %q %q", tab.Encoding, tab.Columns.Names(), tab.Rows[0].Values)
	}
}

func TestDelimiterDetection(t *testing.T) {
	tests := []struct {
		name, sample string
		txt          bool
		want         rune
	}{
		{"comma", "a,b,c\n1,2,3\n", false, ','},
		{"semicolon with decimal commas", "Name;Betrag\nA;1,5\nB;2,25\n", false, ';'},
		{"tab", "a\tb\n1\t2\n", false, '\t'},
		{"pipe", "a|b|c\n1|2|3\n", false, '|'},
		{"quoted commas do not count", "name;note\n\"Doe, J\";\"x, y, z\"\n", false, ';'},
		{"single column csv", "email\na@x.com\n", false, ','},
		{"single column txt", "email\na@x.com\n", true, '\t'},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.sample), tt.txt); got != tt.want {
			t.Errorf("%s: got %q want %q", tt.name, got, tt.want)
		}
	}
}

func TestUTF8CheckAcrossChunkBoundary(t *testing.T) {
	// "中" is 3 bytes; place it across the 64 KiB chunk boundary
	content := make([]byte, 64<<10-1)
	for i := range content {
		content[i] = 'a'
	}
	content = append(content, "中\n"...)
	path := writeText(t, "edge.csv", string(content))
	enc, err := detectEncoding(path)
	if err != nil || enc.Name != "UTF-8" {
		t.Fatalf("got %q %v, want UTF-8", enc.Name, err)
	}
}
