package recipients

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"mailroom/app/msg"
)

func TestWriteResultsWorkbookCopyKeepsEverything(t *testing.T) {
	src := chineseCustomerBook(t)
	// a second sheet and a styled header must survive
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("说明"); err != nil {
		t.Fatal(err)
	}
	set(t, f, "说明", "A1", "不要删除")
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	_ = f.SetCellStyle("客户", "B4", "G4", bold)
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before, _ := os.ReadFile(src)

	dst := filepath.Join(t.TempDir(), "客户名单 结果.xlsx")
	at := time.Date(2024, 5, 1, 9, 30, 0, 0, time.Local)
	results := map[int]RowResult{
		5: {Status: "sent", Time: at, MessageID: "abc@mail.example.com", Reply: "250 2.0.0 Ok: queued", Response: "replied 2024-05-02 10:00"},
		6: {Status: "failed", Time: at, Reply: "550 5.1.1 用户不存在"},
	}
	if err := WriteResults(src, dst, results); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(src); !reflect.DeepEqual(before, after) {
		t.Fatal("the original workbook changed")
	}
	tab, err := Load(dst)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := append([]string{"姓名", "邮箱", "注册日期", "手机", "编号", "积分"}, ResultHeaders...)
	if got := tab.Columns.Names(); !reflect.DeepEqual(got, wantCols) {
		t.Fatalf("columns %q, want %q", got, wantCols)
	}
	wantRow5 := []string{"张伟", "zhang.wei@qq.com", "2024-03-05", "13800138000", "000042", "20",
		"sent", "2024-05-01 09:30", "abc@mail.example.com", "250 2.0.0 Ok: queued", "", "replied 2024-05-02 10:00"}
	if got := tab.Rows[0].Values; !reflect.DeepEqual(got, wantRow5) {
		t.Errorf("row 5 = %q\nwant %q", got, wantRow5)
	}
	if got := tab.Rows[1].Values[6:]; !reflect.DeepEqual(got, []string{"failed", "2024-05-01 09:30", "", "550 5.1.1 用户不存在", "", ""}) {
		t.Errorf("row 6 results = %q", got)
	}
	out, err := excelize.OpenFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if v, _ := out.GetCellValue("说明", "A1"); v != "不要删除" {
		t.Errorf("other sheet lost: %q", v)
	}
	hs, _ := out.GetCellStyle("客户", "H4")
	if style, _ := out.GetStyle(hs); style == nil || style.Font == nil || !style.Font.Bold {
		t.Error("added header is not styled like the others")
	}
	if _, link, _ := out.GetCellHyperLink("客户", "C8"); link != "mailto:wang.fang@126.com" {
		t.Errorf("hyperlink lost: %q", link)
	}
	// writing again from the copy reuses the result columns
	dst2 := filepath.Join(t.TempDir(), "again.xlsx")
	if err := WriteResults(dst, dst2, map[int]RowResult{6: {Status: "sent"}}); err != nil {
		t.Fatal(err)
	}
	tab2, _ := Load(dst2)
	if len(tab2.Columns) != 6+len(ResultHeaders) || tab2.Rows[1].Values[6] != "sent" {
		t.Errorf("second copy columns %q row 6 %q", tab2.Columns.Names(), tab2.Rows[1].Values)
	}
}

func TestWriteResultsRefusesToOverwriteTheOriginal(t *testing.T) {
	src := chineseCustomerBook(t)
	link := filepath.Join(t.TempDir(), "link.xlsx")
	if err := os.Symlink(src, link); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{src, link, filepath.Join(filepath.Dir(src), ".", filepath.Base(src))} {
		err := WriteResults(src, dst, nil)
		if !errors.Is(err, ErrSameFile) || !strings.HasSuffix(err.Error(), ": the results copy would overwrite the original recipient list — choose another name for the copy") {
			t.Errorf("WriteResults to %s: %v", dst, err)
		}
	}
	err := WriteResults(src, filepath.Join(t.TempDir(), "out.csv"), nil)
	if err == nil || err.Error() != "out.csv: the results copy must have the same kind of name as the original (.xlsx) — name the copy ….xlsx" {
		t.Errorf("extension mismatch: %v", err)
	}
}

func TestWriteResultsCSVKeepsEncodingDelimiterAndRows(t *testing.T) {
	src := filepath.Join("testdata", "gbk.csv")
	dst := filepath.Join(t.TempDir(), "gbk-results.csv")
	at := time.Date(2024, 5, 1, 9, 30, 0, 0, time.Local)
	if err := WriteResults(src, dst, map[int]RowResult{3: {Status: "sent", Time: at, MessageID: "m1@x", Reply: "250 OK ✓",
		Bounce: "soft 4.2.2: 邮箱已满", Response: "automatic reply"}}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(dst)
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := "姓名,邮箱,城市,备注,Mailroom status,Mailroom time,Mailroom Message-ID,Mailroom server reply,Mailroom bounce,Mailroom response\r\n" +
		"张三,zhangsan@qq.com,北京,老客户\r\n" +
		"李四,lisi@163.com,上海,,sent,2024-05-01 09:30:00,m1@x,250 OK ✓,soft 4.2.2: 邮箱已满,automatic reply\r\n" +
		"王五,wangwu@gmial.com,深圳,\"地址含逗号,和换行\r\n第二行\"\r\n"
	if string(text) != want {
		t.Errorf("copy:\n%q\nwant\n%q", text, want)
	}
	tab, err := Load(dst)
	if err != nil || tab.Encoding != "GB18030 (GBK)" || tab.Rows[1].Number != 3 {
		t.Errorf("copy reads back as %+v, %v", tab, err)
	}
}

// TestFailedResultsWriteIsNotADamagedFile: when the copy cannot be
// written (here its name is taken by a folder), the error says the copy
// could not be saved, names the copy, and is not ErrCorrupt ("file is
// damaged"): the user's list is fine. The folder is left as it was.
func TestFailedResultsWriteIsNotADamagedFile(t *testing.T) {
	src := chineseCustomerBook(t)
	dir := t.TempDir()
	dst := filepath.Join(dir, "结果.xlsx")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteResults(src, dst, map[int]RowResult{5: {Status: "sent"}}, WithSheet("客户"))
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrNotWritten) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("WriteResults = %v, want ErrNotWritten and not ErrCorrupt", err)
	}
	if fe.Code != "file-not-written" || fe.File != dst || strings.Contains(err.Error(), "damaged") {
		t.Errorf("problem %+v: want code file-not-written about %s", fe.Problem, dst)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the failed write left %d entries in the folder", len(entries))
	}
}

// A Chinese window writes the result columns in Chinese; a later copy in
// English finds and updates them instead of adding a second set.
func TestWriteResultsInTheUsersLanguage(t *testing.T) {
	src := chineseCustomerBook(t)
	dir := t.TempDir()
	zh := filepath.Join(dir, "结果.xlsx")
	results := map[int]RowResult{5: {Status: "已发送", Reply: "250 OK"}}
	if err := WriteResults(src, zh, results, WithLanguage(msg.SimplifiedChinese)); err != nil {
		t.Fatal(err)
	}
	tab, err := Load(zh)
	if err != nil {
		t.Fatal(err)
	}
	names := tab.Columns.Names()
	if got := strings.Join(names[len(names)-6:], ","); got != "Mailroom 状态,Mailroom 时间,Mailroom Message-ID,Mailroom 服务器回复,Mailroom 退信,Mailroom 回应" {
		t.Fatalf("result columns %s", got)
	}
	again := filepath.Join(dir, "again.xlsx")
	if err := WriteResults(zh, again, results); err != nil {
		t.Fatal(err)
	}
	tab, err = Load(again)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tab.Columns.Names()); n != len(names) {
		t.Errorf("the second copy has %d columns, want the same %d", n, len(names))
	}
}
