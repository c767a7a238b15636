package ui

import (
	"os"

	"mailroom/app/campaign"
	"mailroom/app/msg"
)

// fillDefaults connects every backend the caller did not supply to the
// app/ packages, in the same folders the headless command uses: accounts
// in the settings folder, the journal and the do-not-send list in its
// "data" subfolder.
func (d *Deps) fillDefaults() error {
	dir, dataDir, err := campaign.DefaultDirs()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	book, err := newAccountBook(dir, windowLanguage() == msg.SimplifiedChinese)
	if err != nil {
		return err
	}
	supp := newSuppressionStore(dataDir)
	backend := &campaignBackend{env: campaign.Env{DataDir: dataDir, Accounts: book.store}, oauth: book.oauth}
	if d.Accounts == nil {
		d.Accounts = book
	}
	if d.Suppressions == nil {
		d.Suppressions = supp
	}
	if d.Recipients == nil {
		d.Recipients = &recipientSource{supp: supp}
	}
	if d.Composer == nil {
		d.Composer = backend
	}
	if d.TestSender == nil {
		d.TestSender = backend
	}
	if d.Runner == nil {
		d.Runner = backend
	}
	if d.Unsent == nil {
		d.Unsent = backend
	}
	if d.DataDir == "" {
		d.DataDir = dataDir
	}
	if d.History == nil {
		d.History = &journalHistory{env: backend.env}
	}
	if d.Mailbox == nil {
		d.Mailbox = &mailboxBackend{env: backend.env, login: backend.login}
	}
	return nil
}
