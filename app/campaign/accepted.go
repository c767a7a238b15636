package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/wneessen/go-mail"

	"mailroom/app/accounts"
	"mailroom/app/journal"
	"mailroom/app/sentfolder"
	"mailroom/sender"
)

// acceptedStore passes every outcome to the journal, then hands each
// message the server accepted to the after-send work the user asked for:
// the audit archive and the copy into the Sent folder. That work never
// changes a row's delivery state; its failures become warnings.
type acceptedStore struct {
	sender.Store
	archive *journal.Archive
	copies  chan acceptedCopy // to the Sent-folder goroutine; nil when off
	copier  *sentfolder.Copier

	mu sync.Mutex
	// inFlight holds the messages taken from the source and not yet done:
	// at most one per connection, so memory stays flat.
	inFlight map[string]inFlight
	warnings []string
	copyDone chan struct{}
}

type inFlight struct {
	row     int
	address string
	msg     *mail.Msg
}

type acceptedCopy struct {
	row int
	raw []byte
	res sender.Result
}

// newAcceptedStore opens what the campaign asks for; it returns nil when
// nothing is to be done after a message is accepted.
func (p *Plan) newAcceptedStore(ctx context.Context, store sender.Store, env Env, opts SendOptions) (*acceptedStore, error) {
	s := &acceptedStore{Store: store, inFlight: map[string]inFlight{}}
	if dir := p.Campaign.Archive; dir != "" {
		a, err := journal.OpenArchive(dir)
		if err != nil {
			return nil, fmt.Errorf("audit archive: %w", err)
		}
		s.archive = a
	}
	if p.Account.CopiesToSent() {
		copier, err := p.openSentFolder(ctx, env, opts)
		if err != nil {
			s.warn(fmt.Sprintf("messages will not be copied to the Sent folder: %v", err))
		} else {
			s.copier, s.copies, s.copyDone = copier, make(chan acceptedCopy, 64), make(chan struct{})
			go s.copyToSent(ctx)
		}
	}
	if s.archive == nil && s.copier == nil && len(s.warnings) == 0 {
		return nil, nil
	}
	return s, nil
}

func (p *Plan) openSentFolder(ctx context.Context, env Env, opts SendOptions) (*sentfolder.Copier, error) {
	password, options, err := imapLogin(env, p.Account, opts)
	if err != nil {
		return nil, err
	}
	return sentfolder.Open(ctx, p.Account, password, options...)
}

// imapLogin says how to log in to the account's mailbox, for the Sent copy
// and for reading the inbox: a signed-in account's mailbox takes the same
// access tokens as sending (one sign-in covers SMTP and IMAP), and so does
// one that shares its secret; an account with its own IMAP password reads
// it from the keychain.
func imapLogin(env Env, a accounts.Account, opts SendOptions) (string, []sentfolder.Option, error) {
	if opts.Credential != nil && (a.SignsInWithOAuth() || a.IMAPSecretID() == a.ID) {
		return "", []sentfolder.Option{sentfolder.WithCredential(opts.Credential)}, nil
	}
	if id := a.IMAPSecretID(); id != a.ID {
		if env.Accounts == nil {
			return "", nil, errors.New("the IMAP password is not in the keychain")
		}
		pw, err := env.Accounts.Secrets().Get(id)
		if err != nil {
			return "", nil, err
		}
		return pw, nil, nil
	}
	return opts.Password, nil, nil
}

func (s *acceptedStore) remember(key string, f inFlight) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[key] = f
}

// forget drops a message taken from the source that will not be sent
// (withdrawn: its row was put on the do-not-send list while it waited).
func (s *acceptedStore) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inFlight, key)
}

func (s *acceptedStore) warn(w string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, w)
}

// MarkDone records the outcome first, then does the after-send work.
func (s *acceptedStore) MarkDone(r sender.Result) error {
	if err := s.Store.MarkDone(r); err != nil {
		return err
	}
	s.mu.Lock()
	f, ok := s.inFlight[r.Key]
	if r.Outcome != sender.OutcomeNotAttempted {
		// A row put back to pending (a retry, a new connection) is sent
		// later from the same message: keep it until the final outcome.
		delete(s.inFlight, r.Key)
	}
	s.mu.Unlock()
	if !ok || r.Outcome != sender.OutcomeSent {
		return nil
	}
	// The message is rendered once more, exactly as it went over the wire
	// (attachments are read again from disk, not kept in memory).
	var raw bytes.Buffer
	if _, err := f.msg.WriteTo(&raw); err != nil {
		s.warn(fmt.Sprintf("row %d: could not keep a copy of the message: %v", f.row, err))
		return nil
	}
	if s.archive != nil {
		entry := journal.ArchiveEntry{Row: f.row, Address: f.address, MessageID: r.MessageID, Time: r.At, Reply: r.Reply}
		if _, err := s.archive.Add(entry, func(w io.Writer) error {
			_, err := w.Write(raw.Bytes())
			return err
		}); err != nil {
			s.warn(fmt.Sprintf("row %d: not written to the audit archive: %v", f.row, err))
		}
	}
	if s.copies != nil {
		s.copies <- acceptedCopy{row: f.row, raw: raw.Bytes(), res: r}
	}
	return nil
}

// copyToSent appends messages to the Sent folder one at a time, off the
// sending workers, so a slow IMAP server does not slow delivery.
func (s *acceptedStore) copyToSent(ctx context.Context) {
	defer close(s.copyDone)
	gaveUp := false
	for c := range s.copies {
		if gaveUp {
			continue
		}
		err := s.copier.Append(ctx, c.raw, c.res.At)
		switch {
		case errors.Is(err, sentfolder.ErrGaveUp):
			gaveUp = true
			s.warn(fmt.Sprintf("copying to the Sent folder stopped: %v", err))
		case err != nil:
			s.warn(fmt.Sprintf("row %d: not copied to the Sent folder: %v", c.row, err))
		}
	}
}

// close finishes the after-send work and returns its warnings.
func (s *acceptedStore) close() []string {
	if s.copies != nil {
		close(s.copies)
		<-s.copyDone
		s.copier.Close()
	}
	if s.archive != nil {
		if err := s.archive.Close(); err != nil {
			s.warn(fmt.Sprintf("audit archive: %v", err))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.warnings
}
