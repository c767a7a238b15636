package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/sentfolder/imaptest"
)

// The account book against a real store (session secrets) and a real
// in-process IMAP server: what the IMAP section saves is what
// sentfolder.Open logs in with.
func TestAccountBookSavesAndTestsTheIMAPSide(t *testing.T) {
	ctx := context.Background()
	srv, err := imaptest.New("li@example.com", "imap-code", imaptest.WithFolder("已发送", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	store, err := accounts.OpenStore(t.TempDir(), accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	// The server's CA is trusted the way a user would set it up; the form
	// does not show it, so it must survive saving through the book.
	added, err := store.Add(srv.Configure(accounts.Account{DisplayName: "Li", FromAddress: "li@example.com",
		Host: "127.0.0.1", Port: 2525, Security: accounts.SecurityNone, Auth: accounts.AuthPlain, Username: "li@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	book := &accountBook{store: store}
	list, err := book.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List: %v, %d accounts", err, len(list))
	}
	u := list[0]
	if u.IMAP.Host != "127.0.0.1" || u.IMAP.Port != srv.Port() || !u.IMAP.CopyToSent {
		t.Fatalf("IMAP side as the form sees it: %+v", u.IMAP)
	}

	// Shared password: the sending one is tried, and is wrong for IMAP.
	if u, err = book.Save(u, "smtp-code", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := book.TestIMAP(ctx, u, ""); err == nil {
		t.Fatal("the IMAP test passed with the sending password, which the server does not accept")
	}

	// Its own password, stored apart from the sending one.
	u.IMAP.OwnPassword = true
	if u, err = book.Save(u, "", "imap-code"); err != nil {
		t.Fatal(err)
	}
	if !u.IMAP.HasPassword {
		t.Error("the saved account does not report its stored IMAP password")
	}
	if got, _ := store.Secrets().Get(added.ID + accounts.IMAPSecretSuffix); got != "imap-code" {
		t.Errorf("IMAP secret %q", got)
	}
	if got, _ := store.Password(added.ID); got != "smtp-code" {
		t.Errorf("the sending password became %q", got)
	}
	folder, err := book.TestIMAP(ctx, u, "")
	if err != nil || folder != "已发送" {
		t.Fatalf("TestIMAP = %q, %v; want the folder marked Sent", folder, err)
	}
	if stored, _ := store.Get(added.ID); !stored.CopiesToSent() || stored.IMAPUsername() != "li@example.com" {
		t.Errorf("stored account copies %v as %q", stored.CopiesToSent(), stored.IMAPUsername())
	}

	// Validation of the IMAP fields reaches the form as the store words it.
	bad := u
	bad.IMAP.Host = ""
	if _, err := book.Save(bad, "", ""); !errors.Is(err, accounts.ErrInvalidAccount) || !strings.Contains(err.Error(), "IMAP server") {
		t.Errorf("saving copy-to-Sent without a server: %v", err)
	}

	// Back to the shared password: the separate one leaves the keychain.
	u.IMAP.OwnPassword = false
	if _, err := book.Save(u, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Secrets().Get(added.ID + accounts.IMAPSecretSuffix); !errors.Is(err, accounts.ErrNoSecret) {
		t.Errorf("the unused IMAP password is still stored (%v)", err)
	}
}

func TestAccountBookLeavesAnUntouchedIMAPSectionEmpty(t *testing.T) {
	store, err := accounts.OpenStore(t.TempDir(), accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	book := &accountBook{store: store}
	// The form always sends a security choice; with no server and copying
	// off, that must not make an IMAP side the account never had.
	u, err := book.Save(Account{FromAddress: "li@example.com", Host: "smtp.example.com", Port: 587, Security: "starttls", Auth: "plain",
		IMAP: IMAPSettings{Security: "tls"}}, "pw", "")
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := store.Get(u.ID); stored.IMAP != (accounts.IMAP{}) {
		t.Errorf("stored IMAP side %+v, want none", stored.IMAP)
	}
}

// TestNewQQAccountGetsTheSuggestedPause: an account made in the form with
// the QQ preset keeps the preset's suggested pause between messages (the
// form does not show it); choosing another provider drops it.
func TestNewQQAccountGetsTheSuggestedPause(t *testing.T) {
	store, err := accounts.OpenStore(t.TempDir(), accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	book := &accountBook{store: store}
	u, err := book.Save(Account{Name: "QQ", PresetID: "qq", FromAddress: "1@qq.com", Host: "smtp.qq.com", Port: 465,
		Security: string(accounts.SecurityTLS), Auth: string(accounts.AuthAuto), Username: "1@qq.com"}, "code", "")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := store.Get(u.ID)
	if d, why := a.SuggestedDelay(); d != "30-120" || why.IsZero() {
		t.Errorf("saved QQ account suggests %q", d)
	}
	u.PresetID, u.Host = "custom", "mail.example.com"
	if u, err = book.Save(u, "", ""); err != nil {
		t.Fatal(err)
	}
	if a, _ := store.Get(u.ID); a.Limits.Delay != "" {
		t.Errorf("another provider kept QQ's pause %q", a.Limits.Delay)
	}
}
