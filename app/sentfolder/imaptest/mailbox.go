package imaptest

import (
	"bytes"
	"fmt"
	"sort"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// Deliver stores raw in folder as mail arriving there would be: unread,
// dated at (now when zero). It goes straight to the backend, not over
// IMAP, so that fixture mailboxes of 10,000 messages fill in a moment,
// and it is not counted by Changes. It returns the message's UID.
func (s *Server) Deliver(folder string, raw []byte, at time.Time) (imap.UID, error) {
	data, err := s.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Time: at})
	if err != nil {
		return 0, fmt.Errorf("imaptest: deliver to %q: %w", folder, err)
	}
	return data.UID, nil
}

// Changes lists, in order, every command a client sent that can change
// the user's mailbox: SELECT (read-write, as opposed to EXAMINE), a FETCH
// of a body without PEEK (which marks it read), STORE, COPY, EXPUNGE,
// APPEND, CREATE, DELETE and RENAME. A reader of the inbox must leave it
// empty.
func (s *Server) Changes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.changes...)
}

func (s *Server) recordChange(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changes = append(s.changes, fmt.Sprintf(format, args...))
}

// MessageState is what a mail program shows of one stored message.
type MessageState struct {
	UID   imap.UID
	Flags []string // sorted
}

// Snapshot is every folder with its messages' UIDs and flags, read over
// a separate session with EXAMINE and FETCH (FLAGS UID): comparing two
// proves that nothing was added, removed, moved or flagged in between.
type Snapshot map[string][]MessageState

// Snapshot reads the state of every folder.
func (s *Server) Snapshot() (Snapshot, error) {
	c, err := s.dialClient()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.Login(s.username, s.password).Wait(); err != nil {
		return nil, fmt.Errorf("imaptest: login: %w", err)
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("imaptest: list: %w", err)
	}
	out := Snapshot{}
	for _, d := range list {
		selected, err := c.Select(d.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return nil, fmt.Errorf("imaptest: examine %q: %w", d.Mailbox, err)
		}
		states := []MessageState{}
		if selected.NumMessages > 0 {
			var all imap.SeqSet
			all.AddRange(1, 0)
			fetched, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
			if err != nil {
				return nil, fmt.Errorf("imaptest: fetch %q: %w", d.Mailbox, err)
			}
			for _, m := range fetched {
				flags := make([]string, 0, len(m.Flags))
				for _, f := range m.Flags {
					flags = append(flags, string(f))
				}
				sort.Strings(flags)
				states = append(states, MessageState{UID: m.UID, Flags: flags})
			}
		}
		out[d.Mailbox] = states
	}
	return out, nil
}

// The session methods below record changes before handing the command
// to the in-memory backend.

func (sess *session) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	if options == nil || !options.ReadOnly {
		sess.server.recordChange("SELECT %s", mailbox)
	}
	return sess.Session.Select(mailbox, options)
}

func (sess *session) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	for _, bs := range options.BodySection {
		if !bs.Peek {
			sess.server.recordChange("FETCH %v BODY[] without PEEK", numSet)
			break
		}
	}
	return sess.Session.Fetch(w, numSet, options)
}

func (sess *session) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	sess.server.recordChange("STORE %v %v", numSet, flags.Flags)
	return sess.Session.Store(w, numSet, flags, options)
}

func (sess *session) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	sess.server.recordChange("COPY %v %s", numSet, dest)
	return sess.Session.Copy(numSet, dest)
}

func (sess *session) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	sess.server.recordChange("EXPUNGE")
	return sess.Session.Expunge(w, uids)
}

func (sess *session) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	sess.server.recordChange("APPEND %s", mailbox)
	return sess.Session.Append(mailbox, r, options)
}

func (sess *session) Create(mailbox string, options *imap.CreateOptions) error {
	sess.server.recordChange("CREATE %s", mailbox)
	return sess.Session.Create(mailbox, options)
}

func (sess *session) Delete(mailbox string) error {
	sess.server.recordChange("DELETE %s", mailbox)
	return sess.Session.Delete(mailbox)
}

func (sess *session) Rename(mailbox, newName string, options *imap.RenameOptions) error {
	sess.server.recordChange("RENAME %s %s", mailbox, newName)
	return sess.Session.Rename(mailbox, newName, options)
}
