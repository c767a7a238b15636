package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mailroom/sender/testca"
)

// customer is one row of the e2e workbook.
type customer struct{ Name, Email, Amount, File string }

var customers = []customer{
	{"张伟", "zhang.wei@example.com", "1,280.00", "INV-001.pdf"},
	{"李娜", "li.na@example.cn", "56.50", "INV-002.pdf"},
	{"Bob Smith", "bob@example.org", "990.00", "INV-003.pdf"},
	{"王芳", "wang.fang@example.com", "12.00", "INV-004.pdf"},
}

// writeInvoiceCampaign lays out what an office worker has: a workbook with
// Chinese headers, a Markdown body, a shared attachment and one scanned
// invoice per customer, and saves the campaign file next to them.
func writeInvoiceCampaign(t *testing.T, dir, smtpURL, caFile string) (campaignPath string, files map[string][]byte) {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "客户"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"姓名", "邮箱", "金额", "发票文件"}}
	for _, c := range customers {
		rows = append(rows, []any{c.Name, c.Email, c.Amount, c.File})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("客户", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "客户名单.xlsx")); err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	write := func(rel string, data []byte) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("body.md", []byte("# {{姓名}}，您好\n\n您本月的发票金额为 **{{金额}}** 元，请查收附件。\n"))
	files["付款条款.pdf"] = randomBytes(t, 70_000)
	write("付款条款.pdf", files["付款条款.pdf"])
	for _, c := range customers {
		files[c.File] = randomBytes(t, 20_000)
		write(filepath.Join("scans", c.File), files[c.File])
	}
	camp := map[string]any{
		"version": 1, "name": "三月发票", "smtp": smtpURL, "tls_ca": caFile,
		"recipients": "客户名单.xlsx", "sheet": "客户", "from": "财务部 <billing@example.com>",
		"subject": "{{姓名}}，您的三月发票", "body": "body.md", "attach": []string{"付款条款.pdf"},
		"attach_dir": "scans", "attach_column": "发票文件", "journal": "march.journal", "report": "report.csv",
		"results": "客户名单-结果.xlsx", "archive": "audit",
	}
	data, err := json.MarshalIndent(camp, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	campaignPath = filepath.Join(dir, "march.json")
	write("march.json", data)
	return campaignPath, files
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// userEnv points the user's config and data folders into the test.
func userEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_DATA_HOME=" + filepath.Join(home, ".local", "share")}
}

// TestSendInvoicesThroughMailpit runs the whole job against a real mail
// server over STARTTLS with AUTH: one message per row, each to its own
// recipient only, Chinese intact, attachments byte-identical, and a rerun
// sends nothing again.
func TestSendInvoicesThroughMailpit(t *testing.T) {
	ca, err := testca.New("Mailroom e2e CA")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.LeafPEM("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	mp := startMailpit(t, certPEM, keyPEM, "billing@example.com", "s3cret-授权码")
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	camp, files := writeInvoiceCampaign(t, dir, "smtp://billing%40example.com@"+mp.SMTPAddr, caFile)
	home := userEnv(t)
	env := append(home, "MAILROOM_PASSWORD=s3cret-授权码")

	if r := runMailroom(t, dir, env, "check", camp); r.Code != 0 {
		t.Fatalf("check: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r := runMailroom(t, dir, env, "send", camp)
	if r.Code != 0 {
		t.Fatalf("send: exit %d\n%s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "sent 4, failed 0, unknown 0, skipped 0, pending 0") {
		t.Errorf("summary line missing:\n%s", r.Stderr)
	}
	if strings.Contains(r.Stderr, "s3cret") {
		t.Errorf("the password appears in the output:\n%s", r.Stderr)
	}

	arrived := mp.Messages(t)
	if len(arrived) != len(customers) {
		t.Fatalf("mailpit received %d messages, want %d", len(arrived), len(customers))
	}
	byTo := map[string]arrivedMessage{}
	for _, m := range arrived {
		if len(m.To) != 1 || len(m.Cc) != 0 || len(m.Bcc) != 0 {
			t.Errorf("message %q has To %v Cc %v Bcc %v: every recipient must see only their own address", m.Subject, m.To, m.Cc, m.Bcc)
			continue
		}
		byTo[m.To[0].Address] = m
	}
	for _, c := range customers {
		m, ok := byTo[c.Email]
		if !ok {
			t.Errorf("no message arrived for %s", c.Email)
			continue
		}
		if want := c.Name + "，您的三月发票"; m.Subject != want {
			t.Errorf("subject for %s = %q, want %q", c.Email, m.Subject, want)
		}
		if m.From.Name != "财务部" || m.From.Address != "billing@example.com" {
			t.Errorf("From = %q <%s>", m.From.Name, m.From.Address)
		}
		got := attachmentsOf(t, mp.Raw(t, m.ID))
		for _, name := range []string{"付款条款.pdf", c.File} {
			if !bytes.Equal(got[name], files[name]) {
				t.Errorf("%s: attachment %q differs from the file (%d bytes arrived, want %d)", c.Email, name, len(got[name]), len(files[name]))
			}
		}
		if len(got) != 2 {
			t.Errorf("%s: got attachments %v, want exactly the shared one and %s", c.Email, keys(got), c.File)
		}
	}

	again := runMailroom(t, dir, env, "send", camp)
	if again.Code != 0 {
		t.Fatalf("second send: exit %d\n%s", again.Code, again.Stderr)
	}
	if n := len(mp.Messages(t)); n != len(customers) {
		t.Fatalf("after rerunning the campaign mailpit holds %d messages, want still %d", n, len(customers))
	}
	// The password must not be anywhere: not in the journal, reports,
	// archive, workbook copy, campaign file, settings, nor the output.
	assertNotInFiles(t, "s3cret-授权码", dir, strings.TrimPrefix(home[0], "HOME="))
	if strings.Contains(again.Stderr+again.Stdout, "s3cret") {
		t.Errorf("the password appears in the output of the second run")
	}
	report, err := os.ReadFile(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(report), ",sent,"); n != len(customers) {
		t.Errorf("report lists %d sent rows, want %d:\n%s", n, len(customers), report)
	}
}

// attachmentsOf parses a raw message and returns its attachments by
// decoded file name.
func attachmentsOf(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	walkParts(t, msg.Header.Get("Content-Type"), msg.Body, out)
	return out
}

func walkParts(t *testing.T, contentType string, body io.Reader, out map[string][]byte) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		ct := part.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/") {
			walkParts(t, ct, part, out)
			continue
		}
		_, dp, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		name := dp["filename"]
		if name == "" {
			continue
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
		data, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "base64") {
			data, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(data)))
			if err != nil {
				t.Fatalf("attachment %s: %v", name, err)
			}
		}
		out[name] = data
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, fmt.Sprintf("%s(%d)", k, len(m[k])))
	}
	return out
}

// assertNotInFiles fails if secret occurs in any file below the roots
// (SQLite journals included: their pages are searched as raw bytes).
func assertNotInFiles(t *testing.T, secret string, roots ...string) {
	t.Helper()
	scanned := 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() { // sockets of a keyring daemon, folders
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			scanned++
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("the password is stored in %s", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if scanned < 5 {
		t.Fatalf("scanned only %d files: the run did not write what it should", scanned)
	}
}
