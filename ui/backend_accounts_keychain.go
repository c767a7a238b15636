package ui

import (
	"strings"
	"sync"
)

// keychainCache remembers which of the accounts' secrets (password, IMAP
// password, sign-in, DKIM key) the keychain holds, so the account list
// shows "password stored" without asking the keychain on the UI
// goroutine: one lookup per secret per account, each a D-Bus round trip
// on Linux that a locked keyring turns into a prompt. A secret it has no
// answer for is looked up on a goroutine; onRead then tells the window,
// which lists the accounts again. Saving, signing in and out read afresh
// (they write the keychain anyway) and update it.
type keychainCache struct {
	mu      sync.Mutex
	has     map[string]bool // secret ID → stored
	pending map[string]bool // being looked up
	// onRead is called, from a goroutine, after lookups brought news.
	onRead func()
}

// cached answers from what is known and looks up the rest in the
// background (reported as not stored until then).
func (c *keychainCache) cached(b *accountBook) func(id string) bool {
	return func(id string) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if has, ok := c.has[id]; ok {
			return has
		}
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		if !c.pending[id] {
			c.pending[id] = true
			go c.lookUp(b, id)
		}
		return false
	}
}

// fresh asks the keychain and remembers the answer.
func (c *keychainCache) fresh(b *accountBook) func(id string) bool {
	return func(id string) bool {
		has := b.secretStored(id)
		c.remember(id, has)
		return has
	}
}

func (c *keychainCache) lookUp(b *accountBook, id string) {
	has := b.secretStored(id)
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
	if c.remember(id, has) && has {
		c.mu.Lock()
		notify := c.onRead
		c.mu.Unlock()
		if notify != nil {
			notify()
		}
	}
}

// remember records an answer and says whether it is news.
func (c *keychainCache) remember(id string, has bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.has == nil {
		c.has = map[string]bool{}
	}
	old, known := c.has[id]
	c.has[id] = has
	return !known || old != has
}

// forget drops what is known about an account's secrets (deleted): its
// ID and the IDs derived from it.
func (c *keychainCache) forget(account string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.has {
		if strings.HasPrefix(id, account) {
			delete(c.has, id)
		}
	}
}

// setOnRead sets what to do when lookups brought news.
func (c *keychainCache) setOnRead(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onRead = f
}

// secretStored asks the keychain whether it holds a non-empty secret.
func (b *accountBook) secretStored(id string) bool {
	secrets := b.store.Secrets()
	if secrets == nil {
		return false
	}
	v, err := secrets.Get(id)
	return err == nil && v != ""
}

// prefetch looks up every account's secrets in the background, so the
// first list of accounts already knows them.
func (b *accountBook) prefetch() {
	lookup := b.keychain.cached(b)
	for _, a := range b.store.List() {
		for _, id := range []string{a.ID, a.IMAPSecretID(), a.OAuthSecretID(), a.DKIMSecretID()} {
			lookup(id)
		}
	}
}

// OnKeychainRead tells f (on a goroutine) when the keychain answered
// lookups the account list was waiting for.
func (b *accountBook) OnKeychainRead(f func()) { b.keychain.setOnRead(f) }
