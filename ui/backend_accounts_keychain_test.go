package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"mailroom/app/accounts"
)

// guardedSecrets is a keychain that fails the test when asked on the UI
// goroutine.
type guardedSecrets struct {
	accounts.Secrets
	ui *uiGoroutine
}

func (g guardedSecrets) Get(id string) (string, error) {
	g.ui.check("keychain Get " + id)
	return g.Secrets.Get(id)
}

// TestAccountListNeverWaitsForTheKeychain: the window lists accounts (the
// Accounts page, the Compose page's choice) on the UI goroutine without a
// single keychain lookup there; what the keychain holds arrives from a
// goroutine and the list shows it then.
func TestAccountListNeverWaitsForTheKeychain(t *testing.T) {
	test.NewTempApp(t)
	secrets := accounts.NewSessionSecrets()
	store, err := accounts.OpenStore(t.TempDir(), guardedSecrets{Secrets: secrets, ui: onThisGoroutine(t)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := store.Add(accounts.Account{DisplayName: "Work", FromAddress: "li@example.com", Host: "smtp.example.com", Port: 465,
		Security: accounts.SecurityTLS, Auth: accounts.AuthAuto, Username: "li@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := secrets.Set(a.ID, "s3cret"); err != nil {
		t.Fatal(err)
	}
	book := &accountBook{store: store}
	read := make(chan struct{}, 8)
	book.OnKeychainRead(func() { read <- struct{}{} })

	list, err := book.List() // on the UI goroutine: no lookup here
	if err != nil || len(list) != 1 {
		t.Fatalf("List: %v, %d accounts", err, len(list))
	}
	<-read // the lookup ran on a goroutine and found the password
	list, _ = book.List()
	if !list[0].HasPassword {
		t.Error("the stored password is not shown once the keychain answered")
	}

	// The view lists through the book, and refreshes when it hears back.
	b := newTestBridge()
	w := test.NewTempWindow(t, nil)
	v := newAccountsView(book, w, b)
	w.SetContent(v.content)
	v.list.Select(0)
	if !v.current.HasPassword {
		t.Error("the form does not know the password is stored")
	}
}
