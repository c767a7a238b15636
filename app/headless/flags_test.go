package headless

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCampaignFileThenFlagsOverride(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"subject":"file subject","recipients":"list.csv","rate":"5/min","concurrency":3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{path, "--subject", "flag subject", "--concurrency", "1"},
		{"--subject", "flag subject", "--concurrency", "1", path},
	} {
		o, err := parse("send", args, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		c := o.campaign
		if c.Subject != "flag subject" || c.Concurrency != 1 || c.Rate != "5/min" || c.Recipients != filepath.Join(dir, "list.csv") {
			t.Errorf("%v: got subject %q concurrency %d rate %q recipients %q", args, c.Subject, c.Concurrency, c.Rate, c.Recipients)
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, args := range [][]string{
		{"send", "--no-such-flag"},
		{"preview", "--subject", "x"},
		{"check", "a.json", "b.json"},
		{"send", "missing-campaign.json"},
		{},
	} {
		var out, errOut bytes.Buffer
		if code := Main(args, os.Stdin, &out, &errOut); code != ExitUsage {
			t.Errorf("mailroom %s: exit %d, want %d\n%s", strings.Join(args, " "), code, ExitUsage, errOut.String())
		}
		if errOut.Len() == 0 {
			t.Errorf("mailroom %s: no explanation on stderr", strings.Join(args, " "))
		}
	}
	var errOut bytes.Buffer
	if code := Main([]string{"send", "-h"}, os.Stdin, &bytes.Buffer{}, &errOut); code != ExitOK || !strings.Contains(errOut.String(), "--journal") {
		t.Errorf("send -h: exit %d, usage:\n%s", code, errOut.String())
	}
}

func TestCheckListsProblemsAndExitsTwo(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "list.csv"), []byte("Name,Email\nAnn,ann@gmial.com\nBob,bob@@x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hi {{Name}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := Main([]string{"check", "--recipients", filepath.Join(dir, "list.csv"), "--body", filepath.Join(dir, "body.txt"),
		"--subject", "Hi", "--from", "me@example.com", "--dry-run", dir}, os.Stdin, &out, &bytes.Buffer{})
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	for _, want := range []string{`blocking: list.csv, row 3, column "Email"`, "warning: list.csv, row 2", "gmail.com", "1 blocking, 1 warnings, 2 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
}

// --lang zh-Hans says the same lines in Chinese: every problem with its
// place, and the summary; without it the output is the documented English,
// word for word (TestCheckListsProblemsAndExitsTwo).
func TestCheckSpeaksChineseWithLang(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "list.csv"), []byte("Name,Email\nAnn,ann@gmial.com\nBob,bob@@x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hi {{Nmae}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := Main([]string{"check", "--lang", "zh-Hans", "--recipients", filepath.Join(dir, "list.csv"), "--body", filepath.Join(dir, "body.txt"),
		"--subject", "Hi", "--from", "me@example.com", "--dry-run", dir}, os.Stdin, &out, &bytes.Buffer{})
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	for _, want := range []string{
		"阻止：list.csv，第3行，“Email”列：“bob@@x”不是有效的邮箱地址——请改正，或排除这一行",
		"警告：list.csv，第2行，“Email”列：“ann@gmial.com”：域名“gmial.com”看起来是 gmail.com 的笔误",
		"阻止：body.txt，第1行：没有“Nmae”这一列——你是想写 {{Name}} 吗？",
		"2个阻止问题，1个警告，共2行",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	var errOut bytes.Buffer
	if code := Main([]string{"check", "--lang", "fr"}, os.Stdin, &bytes.Buffer{}, &errOut); code != ExitUsage || !strings.Contains(errOut.String(), "en or zh-Hans") {
		t.Errorf("--lang fr: exit %d, %q", code, errOut.String())
	}
}

// The unsubscribe and To-name flags map onto the campaign fields and
// override the file only when given.
func TestUnsubscribeAndToNameFlags(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"marketing":true,"unsubscribe_url":"https://a.example/u","to_name":"{{姓名}}"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := parse("send", []string{path}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c := o.campaign; !c.Marketing || !c.UnsubscribeOn() || c.Unsubscribe != nil || c.UnsubscribeMailto != nil || c.UnsubscribeURL != "https://a.example/u" || c.ToName != "{{姓名}}" || c.NoToName {
		t.Errorf("from the file: %+v", c)
	}
	o, err = parse("send", []string{path, "--unsubscribe=false", "--unsubscribe-mailto=false", "--unsubscribe-url", "https://b.example/u?id={{ID}}", "--no-to-name"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	c := o.campaign
	if c.UnsubscribeOn() || c.UnsubscribeMailto == nil || *c.UnsubscribeMailto || c.UnsubscribeURL != "https://b.example/u?id={{ID}}" || !c.NoToName {
		t.Errorf("flags: unsubscribe %v mailto %v url %q no-to-name %v", c.UnsubscribeOn(), c.UnsubscribeMailto, c.UnsubscribeURL, c.NoToName)
	}
	o, err = parse("send", []string{"--unsubscribe"}, &bytes.Buffer{})
	if err != nil || !o.campaign.UnsubscribeOn() || o.campaign.Marketing {
		t.Errorf("--unsubscribe alone: %v %+v", err, o.campaign)
	}
}

// TestSendToTypedRecipients: --to (and a campaign file's recipient_lines)
// sends to addresses typed without a list file, with the same checks.
func TestSendToTypedRecipients(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hi {{Name}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"send", "--to", "张伟 <zhang@example.com>; li@example.cn", "--to", "zhang@example.com",
		"--body", filepath.Join(dir, "body.txt"), "--subject", "Hi", "--from", "me@example.com",
		"--journal", filepath.Join(dir, "j.db"), "--dry-run", out}, os.Stdin, &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.eml"))
	if len(files) != 2 {
		t.Errorf("wrote %v, want two messages (the duplicate is sent once)", files)
	}
}
