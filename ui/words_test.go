package ui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/sender/smtptest"
)

// The Chinese window speaks Chinese for what app/ says, not only for its
// own labels (issue 11, part 2): a connection-test step, through the real
// account book against a real SMTP server that offers no sign-in.
func TestChineseWindowShowsTheConnectionTestInChinese(t *testing.T) {
	inChinese(t)
	test.NewTempApp(t)
	srv := smtptest.Start(t) // no TLS, no AUTH: a server on this computer
	book, err := openAccountBook(t.TempDir(), accounts.NewSessionSecrets(), true)
	if err != nil {
		t.Fatal(err)
	}
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, b)
	w.SetContent(v.content)

	test.Type(v.fromAddress, "zhang@example.com")
	test.Type(v.host, srv.Host())
	v.port.SetText(strconv.Itoa(srv.Port()))
	setChoice(v.security, securityModes, "none")
	test.Type(v.password, "secret")
	test.Tap(v.test)
	b.wait()

	got := v.testSteps.Text
	for _, want := range []string{
		"✓ 连接：已连接到 ",
		"✗ 登录：这台服务器不需要登录",
		"请在“身份验证”中选择“无”",
		"✗ 账户还不能使用。",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the steps lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "server") || strings.Contains(got, "Choose") {
		t.Errorf("English in the Chinese window:\n%s", got)
	}
}

// A recipient list with mistakes, read by the real backend, shows its
// problems in Chinese in the Chinese window: where (第3行), what and what
// to do, without the file's name or English.
func TestChineseWindowShowsRecipientProblemsInChinese(t *testing.T) {
	inChinese(t)
	test.NewTempApp(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "客户.csv")
	if err := os.WriteFile(path, []byte("姓名,邮箱\n张三,zhang@example.com\n李四,li@@example.com\n王五,wang@gmial.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := newDocument()
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newRecipientsView(&recipientSource{supp: newSuppressionStore(dir)}, nil, doc, w, b)
	w.SetContent(v.content)
	doc.c.Recipients = path
	v.showCampaign()
	b.wait()

	var lines []string
	for i := range v.problemList() {
		item := v.problems.CreateItem()
		v.problems.UpdateItem(i, item)
		lines = append(lines, itemText(item))
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"✗ 第3行：“li@@example.com”不是有效的邮箱地址——请改正，或排除这一行",
		"⚠ 第4行：“wang@gmial.com”：域名“gmial.com”看起来是 gmail.com 的笔误",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "row") || strings.Contains(got, "客户.csv") {
		t.Errorf("English or the file name in the Chinese problems:\n%s", got)
	}
}

// The Send page says how long is left the way people say it.
func TestChineseWindowSaysTimeLeftLikeAPerson(t *testing.T) {
	inChinese(t)
	runner := &fakeRunner{}
	v, _, b := newTestSend(t, runner)
	startAndWait(t, v, b, runner) // progress is shown for a run in progress
	v.showProgress(Progress{Total: 100, Sent: 10, Pending: 90, PerMinute: 30, ETA: 87 * time.Second})
	if !strings.Contains(v.speed.Text, "还剩约1分27秒") {
		t.Errorf("speed line %q", v.speed.Text)
	}
}

// The report the Chinese window saves from History has Chinese headers,
// states and notes; the same journal exported from an English window stays
// in the documented English.
func TestChineseWindowSavesAChineseReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, journal.DefaultFileName)
	j, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := j.Campaign(journal.CampaignSpec{Key: "k", Name: "四月"})
	if err == nil {
		_, err = j.Sync(c.ID, []journal.RowInput{
			{Number: 2, Key: "li@qq.com", Address: "li@qq.com", Name: "李娜"},
			{Number: 3, Key: "bad", Address: "bad", Skip: msg.T("invalid address").Store()},
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	h := &journalHistory{env: campaign.Env{DataDir: dir}}
	id := strconv.FormatInt(c.ID, 10)

	if windowLanguage() != msg.English {
		t.Fatalf("an English window says it speaks %s", windowLanguage())
	}
	en := filepath.Join(dir, "report-en.csv")
	if err := h.Export(context.Background(), id, en); err != nil {
		t.Fatal(err)
	}
	inChinese(t)
	if windowLanguage() != msg.SimplifiedChinese {
		t.Fatalf("a Chinese window says it speaks %s", windowLanguage())
	}
	zh := filepath.Join(dir, "report-zh.csv")
	if err := h.Export(context.Background(), id, zh); err != nil {
		t.Fatal(err)
	}
	enText, _ := os.ReadFile(en)
	zhText, _ := os.ReadFile(zh)
	if !strings.HasPrefix(string(enText), "\uFEFFRow,Address,Name,State,") || !strings.Contains(string(enText), "skipped,0,,,,,invalid address") {
		t.Errorf("English report:\n%s", enText)
	}
	if !strings.HasPrefix(string(zhText), "\uFEFF行,地址,姓名,状态,尝试次数,") || !strings.Contains(string(zhText), "待发送") ||
		!strings.Contains(string(zhText), "已跳过,0,,,,,无效地址") {
		t.Errorf("Chinese report:\n%s", zhText)
	}
}

// Fyne's own words read as Chinese people expect: a confirmation's No is
// 否 (Fyne's own is 不), an empty choice says 请选择, and the file dialog's
// places have Chinese names.
func TestChineseWindowOverridesFynesOwnWords(t *testing.T) {
	inChinese(t)
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 700))
	dialog.ShowConfirm("标题", "内容", func(bool) {}, w)
	if findButton(w.Canvas().Overlays().Top(), "否") == nil || findButton(w.Canvas().Overlays().Top(), "是") == nil {
		t.Error("the confirmation has no 否/是 buttons")
	}
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())

	if s := newSelect([]string{"a"}, nil); s.PlaceHolder != "（请选择）" {
		t.Errorf("placeholder %q", s.PlaceHolder)
	}

	askOpenPath(w, nil, func(string) {})
	var labels []string
	walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			labels = append(labels, l.Text)
		}
	})
	got := strings.Join(labels, "|")
	if !strings.Contains(got, "主文件夹") || !strings.Contains(got, "计算机") || strings.Contains(got, "|Home|") || strings.Contains(got, "|Computer|") {
		t.Errorf("file dialog places: %s", got)
	}
}

// The preview's header lines follow Chinese typography: a full-width
// colon after each label, not "主题: ".
func TestChinesePreviewHeadersUseFullWidthColons(t *testing.T) {
	inChinese(t)
	v, doc, b := newTestCompose(t, &fakeComposer{})
	doc.c.Subject = "账单"
	l := sampleList()
	doc.setList(&l)
	b.wait()
	got := v.preview.headers.Text
	if !strings.Contains(got, "主题：账单 #2") || strings.Contains(got, ": ") {
		t.Errorf("preview headers in Chinese:\n%s", got)
	}
}
