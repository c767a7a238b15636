package sentfolder_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/sentfolder"
	"mailroom/app/sentfolder/imaptest"
)

const (
	user     = "zhang@example.com"
	password = "authcode-16chars"
)

func baseAccount() accounts.Account {
	return accounts.Account{
		ID: "acct1", DisplayName: "Work", FromAddress: user,
		Host: "smtp.example.com", Port: 465, Security: accounts.SecurityTLS, Auth: accounts.AuthAuto,
		Username: user,
	}
}

func startServer(t *testing.T, opts ...imaptest.Option) *imaptest.Server {
	t.Helper()
	srv, err := imaptest.New(user, password, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func open(t *testing.T, acct accounts.Account) *sentfolder.Copier {
	t.Helper()
	c, err := sentfolder.Open(context.Background(), acct, password, sentfolder.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// message is a small message as go-mail writes it: CRLF line ends, a
// Chinese subject in RFC 2047 form.
func message(n int) []byte {
	return fmt.Appendf(nil, "From: Zhang <%s>\r\nTo: li@example.com\r\nSubject: =?UTF-8?B?5Y+R56Wo?= %d\r\n"+
		"Message-ID: <%d@mailroom.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"+
		"您好，第 %d 封。\r\n", user, n, n, n)
}

func messagesIn(t *testing.T, srv *imaptest.Server, folder string) []imaptest.Message {
	t.Helper()
	msgs, err := srv.Messages(folder)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestAppendLandsInSpecialUseSentFolder(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []imaptest.Option
	}{
		{"implicit TLS", nil},
		{"STARTTLS", []imaptest.Option{imaptest.WithSTARTTLS()}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			// "Sent" is a decoy: the folder marked \Sent wins over a usual name.
			srv := startServer(t, append(mode.opts,
				imaptest.WithFolder("Sent"), imaptest.WithFolder("Sent Messages", imap.MailboxAttrSent))...)
			c := open(t, srv.Configure(baseAccount()))
			if c.Folder() != "Sent Messages" {
				t.Fatalf("Folder() = %q, want the folder marked \\Sent", c.Folder())
			}
			raw := message(1)
			sentAt := time.Date(2026, 3, 1, 9, 30, 15, 0, time.FixedZone("CST", 8*3600))
			if err := c.Append(context.Background(), raw, sentAt); err != nil {
				t.Fatalf("Append: %v", err)
			}
			got := messagesIn(t, srv, "Sent Messages")
			if len(got) != 1 {
				t.Fatalf("Sent Messages holds %d messages, want 1", len(got))
			}
			if !bytes.Equal(got[0].Raw, raw) {
				t.Errorf("stored bytes differ:\n got %q\nwant %q", got[0].Raw, raw)
			}
			if !got[0].HasFlag(imap.FlagSeen) {
				t.Errorf("flags %v lack \\Seen", got[0].Flags)
			}
			if !got[0].InternalDate.Equal(sentAt) {
				t.Errorf("internal date %v, want %v", got[0].InternalDate, sentAt)
			}
			if n := len(messagesIn(t, srv, "Sent")); n != 0 {
				t.Errorf("decoy folder Sent got %d messages", n)
			}
		})
	}
}

func TestSentFolderChoice(t *testing.T) {
	cases := []struct {
		name       string
		opts       []imaptest.Option
		configured string
		want       string
	}{
		{"Chinese folder marked Sent", []imaptest.Option{imaptest.WithFolder("草稿箱", imap.MailboxAttrDrafts),
			imaptest.WithFolder("已发送", imap.MailboxAttrSent)}, "", "已发送"},
		{"Chinese folder found by name", []imaptest.Option{imaptest.WithoutSpecialUse(), imaptest.WithFolder("草稿箱"),
			imaptest.WithFolder("已发送")}, "", "已发送"},
		{"English name without special use", []imaptest.Option{imaptest.WithoutSpecialUse(), imaptest.WithFolder("Drafts"),
			imaptest.WithFolder("Sent Items")}, "", "Sent Items"},
		{"under INBOX", []imaptest.Option{imaptest.WithoutSpecialUse(), imaptest.WithFolder("INBOX/Sent")}, "", "INBOX/Sent"},
		{"configured name beats the marked folder", []imaptest.Option{imaptest.WithFolder("Sent", imap.MailboxAttrSent),
			imaptest.WithFolder("Sent by Mailroom")}, "Sent by Mailroom", "Sent by Mailroom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.opts...)
			acct := srv.Configure(baseAccount())
			acct.IMAP.SentFolder = tc.configured
			c := open(t, acct)
			if c.Folder() != tc.want {
				t.Fatalf("Folder() = %q, want %q", c.Folder(), tc.want)
			}
			if err := c.Append(context.Background(), message(7), time.Now()); err != nil {
				t.Fatal(err)
			}
			if n := len(messagesIn(t, srv, tc.want)); n != 1 {
				t.Fatalf("%s holds %d messages, want 1", tc.want, n)
			}
		})
	}
}

func TestNoSentFolderNamesTheFoldersThatExist(t *testing.T) {
	srv := startServer(t, imaptest.WithoutSpecialUse(), imaptest.WithFolder("Drafts"), imaptest.WithFolder("Archive"))
	for _, configured := range []string{"", "Gesendet"} {
		acct := srv.Configure(baseAccount())
		acct.IMAP.SentFolder = configured
		_, err := sentfolder.Open(context.Background(), acct, password)
		var nf *sentfolder.NoSentFolderError
		if !errors.Is(err, sentfolder.ErrNoSentFolder) || !errors.As(err, &nf) {
			t.Fatalf("got %v, want a NoSentFolderError", err)
		}
		msg := err.Error()
		for _, want := range []string{"Archive, Drafts, INBOX", "Sent folder in the account's IMAP settings"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		if configured != "" && !strings.Contains(msg, `"Gesendet" does not exist`) {
			t.Errorf("message %q does not name the configured folder", msg)
		}
	}
}

func TestDroppedConnectionReconnectsOnce(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	c := open(t, srv.Configure(baseAccount()))
	ctx := context.Background()
	if err := c.Append(ctx, message(1), time.Now()); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	if err := c.Append(ctx, message(2), time.Now()); err != nil {
		t.Fatalf("Append after a dropped connection: %v", err)
	}
	if err := c.Append(ctx, message(3), time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := srv.Accepted(); n != 2 {
		t.Errorf("server accepted %d connections, want 2 (one reconnection)", n)
	}
	if n := len(messagesIn(t, srv, "Sent")); n != 3 {
		t.Errorf("Sent holds %d messages, want 3", n)
	}
}

func TestUnreachableServerGivesUpAfterThreeFailures(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	c := open(t, srv.Configure(baseAccount()))
	_ = srv.Close()
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		err := c.Append(ctx, message(i), time.Now())
		if !errors.Is(err, sentfolder.ErrConnect) {
			t.Fatalf("copy %d: got %v, want ErrConnect", i, err)
		}
		if gaveUp := errors.Is(err, sentfolder.ErrGaveUp); gaveUp != (i == 3) {
			t.Fatalf("copy %d: gave up = %v (%v)", i, gaveUp, err)
		}
	}
	err := c.Append(ctx, message(4), time.Now())
	if !errors.Is(err, sentfolder.ErrGaveUp) || !errors.Is(err, sentfolder.ErrConnect) {
		t.Fatalf("after giving up: got %v", err)
	}
}

func TestCancelledRunDoesNotBreakTheCopier(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	c := open(t, srv.Configure(baseAccount()))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 5 {
		if err := c.Append(cancelled, message(1), time.Now()); err == nil {
			t.Fatal("Append with a cancelled context succeeded")
		}
	}
	if err := c.Append(context.Background(), message(2), time.Now()); err != nil {
		t.Fatalf("Append after cancelled ones: %v (cancellations must not count as server failures)", err)
	}
}

func TestConcurrentAppendsAllLand(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("已发送", imap.MailboxAttrSent))
	c := open(t, srv.Configure(baseAccount()))
	const senders, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, senders*each)
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				errs <- c.Append(context.Background(), message(s*100+i), time.Now())
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Accepted(); n != 1 {
		t.Errorf("%d connections for concurrent copies, want 1 shared", n)
	}
	got := messagesIn(t, srv, "已发送")
	stored := map[string]bool{}
	for _, m := range got {
		stored[string(m.Raw)] = true
	}
	for s := range senders {
		for i := range each {
			if !stored[string(message(s*100+i))] {
				t.Errorf("message %d missing or altered", s*100+i)
			}
		}
	}
	if len(got) != senders*each {
		t.Errorf("folder holds %d messages, want %d", len(got), senders*each)
	}
}

func TestBareLineFeedsBecomeCRLF(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	c := open(t, srv.Configure(baseAccount()))
	if err := c.Append(context.Background(), []byte("Subject: hi\n\nline one\r\nline two\n"), time.Now()); err != nil {
		t.Fatal(err)
	}
	got := messagesIn(t, srv, "Sent")
	if want := "Subject: hi\r\n\r\nline one\r\nline two\r\n"; len(got) != 1 || string(got[0].Raw) != want {
		t.Fatalf("stored %q, want %q", got, want)
	}
}

func TestOpenRefusesWhatCannotWork(t *testing.T) {
	ctx := context.Background()
	if _, err := sentfolder.Open(ctx, baseAccount(), password); !errors.Is(err, sentfolder.ErrNotConfigured) {
		t.Errorf("no IMAP server: got %v", err)
	}
	withIMAP := baseAccount()
	withIMAP.IMAP = accounts.IMAP{Host: "127.0.0.1", Port: 993, Security: accounts.SecurityTLS}
	if _, err := sentfolder.Open(ctx, withIMAP, ""); !errors.Is(err, sentfolder.ErrNoPassword) {
		t.Errorf("no password: got %v", err)
	}
	bad := withIMAP
	bad.IMAP.Security = accounts.SecurityNone
	if _, err := sentfolder.Open(ctx, bad, password); !errors.Is(err, accounts.ErrInvalidAccount) {
		t.Errorf("unencrypted IMAP: got %v", err)
	}
	if _, err := sentfolder.Open(ctx, withIMAP, password, sentfolder.WithTimeout(0)); err == nil {
		t.Error("a zero timeout was accepted")
	}
}

func TestAppendAfterCloseFails(t *testing.T) {
	srv := startServer(t, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	c := open(t, srv.Configure(baseAccount()))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := c.Append(context.Background(), message(1), time.Now()); !errors.Is(err, sentfolder.ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
}

func openForBench(srv *imaptest.Server) (*sentfolder.Copier, error) {
	return sentfolder.Open(context.Background(), srv.Configure(baseAccount()), password)
}
