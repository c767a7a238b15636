package ui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailroom/app/accounts"
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
