package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/sender/smtptest"
)

// writeWorkbook writes a customer list the way Excel users keep one.
func writeWorkbook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "客户"); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("客户", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestWindowBackendsDeliverACampaignEndToEnd drives the adapters the
// window uses, with the real app/ packages, an in-process SMTP server, a
// real workbook and a real SQLite journal.
func TestWindowBackendsDeliverACampaignEndToEnd(t *testing.T) {
	ctx := context.Background()
	// The server takes wang's first message but drops the connection
	// before answering: the run cannot know whether it arrived.
	srv := smtptest.Start(t, smtptest.WithAuth("li@example.com", "s3cret"), smtptest.WithRules(smtptest.Rule{
		Stage: smtptest.StageDataEnd, Recipient: "wang@example.com", Times: 1, Fault: smtptest.Drop(),
	}))
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}

	// Accounts: save, then test the connection with a wrong and the right password.
	store, err := accounts.OpenStore(filepath.Join(dir, "settings"), accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	book := &accountBook{store: store}
	acct, err := book.Save(Account{Name: "Finance", FromName: "财务部", FromAddress: "li@example.com", Host: srv.Host(), Port: srv.Port(),
		Security: "none", Auth: "plain", Username: "li@example.com"}, "wrong", "")
	if err != nil {
		t.Fatal(err)
	}
	var steps []ConnStep
	err = book.TestConnection(ctx, acct, "", false, func(s ConnStep) { steps = append(steps, s) })
	if err == nil {
		t.Fatal("the connection test passed with a wrong password")
	}
	if last := steps[len(steps)-1]; last.Step != "auth" || last.OK {
		t.Errorf("last step %+v, want a failed auth step", last)
	}
	if _, err := book.Save(acct, "s3cret", ""); err != nil {
		t.Fatal(err)
	}
	if err := book.TestConnection(ctx, acct, "", true, func(ConnStep) {}); err != nil {
		t.Fatalf("connection test with the stored password: %v", err)
	}
	if got := srv.CountTo("li@example.com"); got != 1 {
		t.Fatalf("the connection test's message to the account's own address arrived %d times", got)
	}
	testMessages := srv.Count()

	// Recipients: a workbook with an invalid, a duplicate and a suppressed row.
	list := filepath.Join(dir, "客户.xlsx")
	writeWorkbook(t, list, [][]any{
		{"姓名", "邮箱", "金额"},
		{"张三", "zhang@example.com", 100},
		{"李四", "li@@example.com", 200},
		{"王五", "wang@example.com", 300},
		{"张三", "zhang@example.com", 100},
		{"赵六", "zhao@example.com", 400},
	})
	supp := newSuppressionStore(dataDir)
	if err := supp.Add("zhao@example.com"); err != nil {
		t.Fatal(err)
	}
	src := &recipientSource{supp: supp}
	l, err := src.Import(ctx, ImportOptions{Path: list}, func(*RecipientList) {})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]RowState{}
	for _, r := range l.Rows {
		states[strings.Join(r.Values[:2], " ")] = r.State
	}
	if l.EmailColumn != "邮箱" || l.Sheet != "客户" || len(l.Rows) != 5 {
		t.Fatalf("imported %d rows of sheet %q, email column %q", len(l.Rows), l.Sheet, l.EmailColumn)
	}
	if l.Count(RowReady) != 2 || l.Count(RowInvalid) != 1 || l.Count(RowDuplicate) != 1 || l.Count(RowSuppressed) != 1 {
		t.Errorf("row states %v", states)
	}

	// The campaign as the window saves it.
	doc := newDocument()
	doc.c.Name = "三月发票"
	doc.c.Recipients = list
	doc.c.Account = acct.ID
	doc.c.Subject = "{{姓名}}，您的发票"
	doc.c.SkipInvalid = true
	doc.c.BCC = "archive@example.com"
	doc.bodyText = "尊敬的 {{姓名}}：金额 **{{金额}}** 元。"
	invoice := filepath.Join(dir, "发票.pdf")
	if err := os.WriteFile(invoice, []byte("%PDF-1.4 test"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc.c.Attach = []string{invoice}
	path := filepath.Join(dir, "march.json")
	if err := doc.save(path); err != nil {
		t.Fatal(err)
	}
	d := doc.draft()
	d.Path = path
	backend := &campaignBackend{env: campaign.Env{DataDir: dataDir, Accounts: store}}

	problems, err := backend.Preflight(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, p := range problems {
		if p.Blocking {
			bad = append(bad, p.Text)
		}
	}
	if len(bad) != 1 || !strings.Contains(bad[0], "Row 3: ") {
		t.Errorf("blocking problems %q, want only row 3's address", bad)
	}

	pv, err := backend.Preview(ctx, d, l, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Subject != "张三，您的发票" || !strings.Contains(pv.To, "zhang@example.com") || !strings.Contains(pv.Text, "金额 100 元") {
		t.Errorf("preview subject %q to %q text %q", pv.Subject, pv.To, pv.Text)
	}
	// The preview shows what go-mail never writes into the message: Bcc.
	if pv.BCC != "archive@example.com" || !strings.Contains(pv.HTML, "<strong>100</strong>") {
		t.Errorf("preview Bcc %q html %q", pv.BCC, pv.HTML)
	}
	if len(pv.Attachments) != 1 || pv.Attachments[0] != "发票.pdf" {
		t.Errorf("preview attachments %q", pv.Attachments)
	}

	if err := backend.TestSend(ctx, d, l, 0, "me@example.com"); err != nil {
		t.Fatal(err)
	}
	if srv.CountTo("me@example.com") != 1 || srv.CountTo("zhang@example.com") != 0 {
		t.Fatalf("test send reached %d test and %d real recipients", srv.CountTo("me@example.com"), srv.CountTo("zhang@example.com"))
	}

	// Before the first run: the two ready rows go now (the invalid,
	// duplicate and suppressed rows are skipped), in one run.
	due, err := backend.Due(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if due.Now != 2 || due.Ran || due.Estimate == "" {
		t.Errorf("due before the first run: %+v", due)
	}

	var last Progress
	run, err := backend.Start(ctx, d, func(p Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	final, err := run.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if final.Sent != 1 || final.Unknown != 1 || srv.CountTo("zhang@example.com") != 1 || srv.CountTo("zhao@example.com") != 0 || len(srv.Unanswered()) != 1 {
		t.Errorf("final %+v; server got zhang %d zhao %d, %d unanswered", final, srv.CountTo("zhang@example.com"), srv.CountTo("zhao@example.com"), len(srv.Unanswered()))
	}
	if last.Sent != 1 || last.Unknown != 1 {
		t.Errorf("last progress %+v", last)
	}
	if final.CampaignID == "" {
		t.Fatal("the run did not name its campaign for the history")
	}
	if final.Run != (RunCounts{Sent: 1, Unknown: 1}) {
		t.Errorf("this run: %+v", final.Run)
	}
	// The log names every row the run did not send, and why, in words.
	why := map[string]string{}
	for _, r := range run.Log(0) {
		why[r.Address+" "+r.State] = r.Reason
	}
	if len(why) != 5 || why["li@@example.com skipped"] == "" || why["wang@example.com unknown"] == "" || why["zhang@example.com sent"] != "" {
		t.Errorf("the run's log: %q", why)
	}

	// History reads the same journal.
	h := &journalHistory{env: backend.env}
	camps, err := h.Campaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(camps) != 1 || camps[0].Name != "三月发票" || camps[0].Sent != 1 || camps[0].Unknown != 1 || camps[0].ID != final.CampaignID {
		t.Errorf("history campaigns %+v", camps)
	}
	// The user decides to send the unknown row again.
	wang, err := h.Rows(ctx, final.CampaignID, "wang")
	if err != nil || len(wang) != 1 || wang[0].State != "unknown" {
		t.Fatalf("wang's row: %+v, %v", wang, err)
	}
	if err := h.Resolve(ctx, final.CampaignID, []string{wang[0].Key}, false); err != nil {
		t.Fatal(err)
	}
	rows, err := h.Rows(ctx, "", "ZHANG")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.State] = r.MessageID
	}
	// The duplicate row is kept in the history as skipped, not dropped.
	if _, skipped := got["skipped"]; len(rows) != 2 || got["sent"] == "" || !skipped {
		t.Errorf("search for zhang: %+v", rows)
	}
	report := filepath.Join(dir, "report.csv")
	if err := h.Export(ctx, final.CampaignID, report); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(report); err != nil || !strings.Contains(string(data), "wang@example.com") {
		t.Errorf("report: %v %q", err, data)
	}

	// The second run sends wang, the row chosen to be sent again, and
	// nobody else twice; a third sends nothing.
	for i := 0; i < 2; i++ {
		if due, err = backend.Due(ctx, d); err != nil || due.Now != 1-i {
			t.Errorf("run %d: due %+v (%v), want %d", i+2, due, err, 1-i)
		}
		run, err = backend.Start(ctx, d, func(Progress) {})
		if err != nil {
			t.Fatal(err)
		}
		if final, err = run.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if final.Run != (RunCounts{}) {
		t.Errorf("a run with nothing due reports %+v", final.Run)
	}
	if n := srv.Count() - testMessages; n != 3 || srv.CountTo("wang@example.com") != 1 || final.Sent != 2 {
		t.Errorf("server accepted %d messages after the connection test (wang %d), final %+v; want zhang, wang and the test send", n, srv.CountTo("wang@example.com"), final)
	}
}
