package merge

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/app/recipients"
	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// TestEndToEndThroughSMTP renders a small campaign, delivers it with the
// sender engine (journal in SQLite) over STARTTLS with AUTH to the
// in-process server and checks what arrived:
// one message per row, only that row's address on the envelope (plus its
// own Cc/Bcc), the Chinese subject and names decoded, attachments
// byte-identical.
func TestEndToEndThroughSMTP(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth("user", "pw"))
	dir, _ := scanFolder(t)
	shared := writeFile(t, filepath.Join(t.TempDir(), "价格表.xlsx"), bytes.Repeat([]byte("价格"), 4000))
	c := newComposer(t, []string{"Email", "客户编号", "附件", "姓名", "主管"},
		WithFrom("张经理 <zhang@example.com>"),
		WithSubject("{{姓名}}，您的合同 {{客户编号}}"),
		WithBody(FormatMarkdown, "尊敬的 **{{姓名}}**：\n\n附件是您的合同。", ""),
		WithRecipientName("{{姓名}}"),
		WithAttachColumn(dir, "附件"),
		WithBCC("{{主管}}"),
		WithAttachments(shared))
	rows := []Row{
		{Number: 2, Values: []string{"li@example.cn", "C002", "C002.pdf", "李雷", ""}},
		{Number: 3, Values: []string{"han@example.cn", "C010", "C010.pdf;sub/C003.pdf", "韩梅梅", "boss@example.cn"}},
	}
	// Deliver through the real engine, journaled in a real SQLite file,
	// as a campaign run does.
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	camp, err := j.Campaign(journal.CampaignSpec{Key: "merge-e2e"})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []journal.RowInput
	for _, r := range rows {
		inputs = append(inputs, journal.RowInput{Key: recipients.RowKey([]string{r.Values[0]}, 1), Number: r.Number, Address: r.Values[0], Name: r.Values[3]})
	}
	if _, err := j.Sync(camp.ID, inputs); err != nil {
		t.Fatal(err)
	}
	run, _, err := j.StartRun(camp.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	var msgs []sender.Message
	for _, r := range rows {
		m, err := c.Message(recipients.RowKey([]string{r.Values[0]}, 1), r, []string{r.Values[0]})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	engine, err := sender.New(run, sender.WithServer(srv.Host(), srv.Port(), sender.TLSStartTLS),
		sender.WithCA(srv.CAPEM()), sender.WithAuth("user", "pw", sender.AuthAuto))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := engine.Run(ctx, sender.NewSliceSource(msgs...))
	if err != nil || sum.Sent != 2 {
		t.Fatalf("engine: %+v, %v", sum, err)
	}

	if err := j.Flush(); err != nil { // the last MarkDone waits for the next commit
		t.Fatal(err)
	}
	sent, err := j.Rows(camp.ID, journal.StateSent)
	if err != nil || len(sent) != 2 {
		t.Fatalf("journal sent rows %+v, %v", sent, err)
	}
	for i, row := range sent {
		if row.MessageID != msgs[i].MessageID || !strings.HasSuffix(row.MessageID, "@example.com") {
			t.Errorf("journal row %s Message-ID %q, rendered %q", row.Key, row.MessageID, msgs[i].MessageID)
		}
	}

	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("server received %d messages, want 2", len(got))
	}
	wantEnvelope := [][]string{{"li@example.cn"}, {"han@example.cn", "boss@example.cn"}}
	wantFiles := [][]string{{"价格表.xlsx", "C002.pdf"}, {"价格表.xlsx", "C010.pdf", "C003.pdf"}}
	for i, rm := range got {
		if strings.Join(rm.To, ",") != strings.Join(wantEnvelope[i], ",") {
			t.Errorf("message %d envelope To = %v, want %v", i, rm.To, wantEnvelope[i])
		}
		if rm.From != "zhang@example.com" {
			t.Errorf("envelope From %q", rm.From)
		}
		m := parseMessage(t, rm.Data)
		name := rows[i].Values[3]
		if subj := m.decoded(t, "Subject"); subj != name+"，您的合同 "+rows[i].Values[1] {
			t.Errorf("subject %q", subj)
		}
		to, _ := m.Header.AddressList("To")
		if len(to) != 1 || to[0].Name != name || to[0].Address != rows[i].Values[0] {
			t.Errorf("To header %v", to)
		}
		if m.Header.Get("Bcc") != "" {
			t.Error("Bcc header arrived")
		}
		if !strings.Contains(string(m.part(t, "text/html").Body), "<strong>"+name+"</strong>") {
			t.Errorf("HTML part lacks the name")
		}
		atts := m.attachments()
		if len(atts) != len(wantFiles[i]) {
			t.Fatalf("message %d attachments %v", i, m.paths())
		}
		for j, a := range atts {
			if a.FileName != wantFiles[i][j] {
				t.Errorf("attachment %d name %q, want %q", j, a.FileName, wantFiles[i][j])
			}
		}
		if !bytes.Equal(atts[0].Body, bytes.Repeat([]byte("价格"), 4000)) {
			t.Error("shared attachment not byte-identical")
		}
		if string(atts[1].Body) != "content of "+wantFiles[i][1] {
			t.Errorf("per-row attachment body %q", atts[1].Body)
		}
	}
}
