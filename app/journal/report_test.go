package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/xuri/excelize/v2"

	"mailroom/app/msg"
	"mailroom/sender"
)

// reportCampaign is a finished campaign with Chinese names and every
// interesting outcome.
func reportCampaign(t *testing.T) (*Journal, Campaign) {
	t.Helper()
	j := openTest(t)
	c, err := j.Campaign(CampaignSpec{Key: "march", Name: "三月发票", Account: "qq"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = j.Sync(c.ID, keyed([]RowInput{
		{Number: 2, Address: "li.na@qq.com", Name: "李娜"},
		{Number: 3, Address: "zhang.wei@163.com", Name: "=HYPERLINK(\"http://x\")"},
		{Number: 4, Address: "chen@example.com", Name: "陈先生"},
		{Number: 5, Address: "bad", Name: "王", Skip: "row 5, column Email: not an email address"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	run := startRun(t, j, c.ID)
	send(t, run, "li.na@qq.com", sender.OutcomeSent)
	if err := run.MarkSending("zhang.wei@163.com", "z1@qq.com", ""); err != nil {
		t.Fatal(err)
	}
	if err := run.MarkDone(sender.Result{Key: "zhang.wei@163.com", Outcome: sender.OutcomeFailed,
		Reply: "550 5.1.1 用户不存在", Code: 550, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	return j, c
}

func TestReportCSVParsesBack(t *testing.T) {
	j, c := reportCampaign(t)
	path := filepath.Join(t.TempDir(), "报告.csv")
	if err := j.ExportReport(c.ID, path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte-order mark: Excel would garble the Chinese text")
	}
	records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 5 || !slices.Equal(records[0], reportHeader(msg.English)) {
		t.Fatalf("records = %q", records)
	}
	want := [][]string{
		{"2", "li.na@qq.com", "李娜", "sent", "1"},
		{"3", "zhang.wei@163.com", "'=HYPERLINK(\"http://x\")", "failed", "1"},
		{"4", "chen@example.com", "陈先生", "pending", "0"},
		{"5", "bad", "王", "skipped", "0"},
	}
	for i, w := range want {
		if got := records[i+1][:5]; !slices.Equal(got, w) {
			t.Errorf("line %d = %q, want %q", i+2, got, w)
		}
	}
	if r := records[2]; r[6] != "z1@qq.com" || r[7] != "550" || r[8] != "550 5.1.1 用户不存在" {
		t.Errorf("failed row details = %q", r)
	}
	if records[1][5] == "" || records[3][5] != "" {
		t.Errorf("sent-at column: %q / %q", records[1][5], records[3][5])
	}
	if !strings.Contains(records[4][9], "not an email address") {
		t.Errorf("skip reason missing: %q", records[4])
	}
}

func TestReportXLSXParsesBack(t *testing.T) {
	j, c := reportCampaign(t)
	path := filepath.Join(t.TempDir(), "report.xlsx")
	if err := j.ExportReport(c.ID, path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Report")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || !slices.Equal(rows[0], reportHeader(msg.English)) {
		t.Fatalf("rows = %q", rows)
	}
	if rows[1][2] != "李娜" || rows[2][3] != "failed" || rows[2][8] != "550 5.1.1 用户不存在" {
		t.Errorf("content = %q", rows[1:3])
	}
	// The name that looks like a formula is stored as text, not run.
	if formula, _ := f.GetCellFormula("Report", "C3"); formula != "" {
		t.Errorf("C3 became a formula: %q", formula)
	}
	if rows[2][2] != "=HYPERLINK(\"http://x\")" {
		t.Errorf("C3 = %q", rows[2][2])
	}
	// A numeric cell has no type attribute (Unset) or "n"; text would be a
	// shared or inline string, which Excel sorts as text.
	if typ, _ := f.GetCellType("Report", "A2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("row number stored as %v, want a number", typ)
	}
}

func TestReportRefusesOtherFormats(t *testing.T) {
	j, c := reportCampaign(t)
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := j.ExportReport(c.ID, path); !errors.Is(err, ErrReportFormat) {
		t.Fatalf("pdf: %v, want ErrReportFormat", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a file was written anyway")
	}
}

func TestArchiveWritesMessagesAndManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "audit")
	a, err := OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	msg := mail.NewMsg()
	if err := msg.FromFormat("财务部", "billing@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := msg.AddToFormat("李娜", "li.na@qq.com"); err != nil {
		t.Fatal(err)
	}
	msg.Subject("三月发票")
	msg.SetBodyString(mail.TypeTextPlain, "您好，附件是三月的发票。")
	at := time.Date(2025, 3, 3, 9, 30, 0, 0, time.Local)
	e, err := a.Add(ArchiveEntry{Row: 2, Address: "li.na@qq.com", MessageID: "abc123@example.com", Time: at, Reply: "250 ok"},
		func(w io.Writer) error { _, err := msg.WriteTo(w); return err })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Add(ArchiveEntry{Row: 3, Address: "a/b?c@example.com"},
		func(w io.Writer) error { _, err := w.Write([]byte("Subject: x\r\n\r\nhi\r\n")); return err }); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	eml, err := os.ReadFile(filepath.Join(dir, e.File))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(eml)
	if e.SHA256 != hex.EncodeToString(sum[:]) || !bytes.Contains(eml, []byte("li.na@qq.com")) {
		t.Fatalf("entry %+v does not match the file", e)
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("manifest.csv = %q, %v", records, err)
	}
	if r := records[1]; r[1] != "li.na@qq.com" || r[2] != "abc123@example.com" || r[3] != e.SHA256 || r[4] != "2025-03-03 09:30:00" {
		t.Fatalf("manifest line = %q", r)
	}
	if strings.ContainsAny(records[2][6], `/?`) {
		t.Fatalf("unsafe file name %q", records[2][6])
	}
	lines := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(dir, "manifest.jsonl"))), "\n")
	var first ArchiveEntry
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &first) != nil || first.SHA256 != e.SHA256 || !first.Time.Equal(at) {
		t.Fatalf("manifest.jsonl = %q", lines)
	}

	// Reopening appends without a second header.
	a, err = OpenArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Add(ArchiveEntry{Row: 4, Address: "c@example.com"},
		func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	a.Close()
	data, _ = os.ReadFile(filepath.Join(dir, "manifest.csv"))
	if n := strings.Count(string(data), "Message-ID"); n != 1 {
		t.Fatalf("%d headers after reopening", n)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The report is in the reader's language: a Chinese window writes Chinese
// headers, states and notes; what the server and the user wrote stays as
// it was. A skip reason kept as a text reads in either language.
func TestReportInChinese(t *testing.T) {
	j := openTest(t)
	c, err := j.Campaign(CampaignSpec{Key: "april", Name: "四月"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Sync(c.ID, keyed([]RowInput{
		{Number: 2, Address: "li.na@qq.com", Name: "李娜"},
		{Number: 3, Address: "dup@qq.com", Name: "王", Skip: msg.T("duplicate address").Store()},
	})); err != nil {
		t.Fatal(err)
	}
	run := startRun(t, j, c.ID)
	send(t, run, "li.na@qq.com", sender.OutcomeSent)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := j.Rows(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCSVIn(&b, rows, msg.SimplifiedChinese); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(records[0], ","); got != "行,地址,姓名,状态,尝试次数,发送时间,Message-ID,回复代码,服务器回复,备注,最后更新,退信,退信代码,退信原因,退信诊断,退信时间,回复时间,回复主题,自动回复时间,退订时间,已发送文件夹" {
		t.Errorf("header %s", got)
	}
	if records[1][3] != "已发送" || records[2][3] != "已跳过" || records[2][9] != "重复地址" {
		t.Errorf("rows %q", records[1:])
	}
	var en bytes.Buffer
	if err := WriteCSV(&en, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(en.String(), "skipped,0,,,,,duplicate address") {
		t.Errorf("English report: %s", en.String())
	}
}
