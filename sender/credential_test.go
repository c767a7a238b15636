package sender

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"mailroom/sender/smtptest"
)

// tokens plays an OAuth provider for the engine's tests: it issues access
// tokens, renews on request, and says which the server still accepts.
type tokens struct {
	mu      sync.Mutex
	current string
	issued  int
	born    map[string]int
	clock   int // server checks so far: the tests' passing time
	// life is for how many server checks (AUTH or MAIL, on any
	// connection) a token stays valid; 0 means no limit. Like x/oauth2,
	// the engine's side renews a token margin checks before it expires.
	life, margin int
	expired      map[string]bool
	revoked      bool
	failNext     int
	rejected     []string
}

func newTokens() *tokens {
	return &tokens{born: map[string]int{}, expired: map[string]bool{}}
}

// credential is the engine's side: a cached token, renewed when missing
// or rejected, as app/oauth's Source does.
func (tk *tokens) credential(_ context.Context, rejected string) (string, error) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	if rejected != "" {
		tk.rejected = append(tk.rejected, rejected)
	}
	fresh := tk.life == 0 || tk.clock-tk.born[tk.current] < tk.life-tk.margin
	if tk.current != "" && tk.current != rejected && fresh {
		return tk.current, nil
	}
	if tk.failNext > 0 {
		tk.failNext--
		return "", errors.New("provider unreachable")
	}
	if tk.revoked {
		return "", fmt.Errorf("%w: sign in again", ErrAuth)
	}
	tk.issued++
	tk.current = fmt.Sprintf("token-%d", tk.issued)
	tk.born[tk.current] = tk.clock
	return tk.current, nil
}

// valid is the server's side.
func (tk *tokens) valid(token string) bool {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	if !strings.HasPrefix(token, "token-") || tk.expired[token] {
		return false
	}
	tk.clock++
	return tk.life == 0 || tk.clock-tk.born[token] <= tk.life
}

func (tk *tokens) expireAll() {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	for i := 1; i <= tk.issued; i++ {
		tk.expired[fmt.Sprintf("token-%d", i)] = true
	}
}

func (tk *tokens) counts() (issued int, rejected []string) {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	return tk.issued, append([]string(nil), tk.rejected...)
}

// sourceWith gives msgs one by one and calls event just before giving
// the message at index at (a provider's or server's event mid-run).
func sourceWith(msgs []Message, at int, event func() error) Source {
	i := 0
	return SourceFunc(func(contextT) (Message, error) {
		if i == len(msgs) {
			return Message{}, errEOF
		}
		if i == at {
			if err := event(); err != nil {
				return Message{}, err
			}
		}
		i++
		return msgs[i-1], nil
	})
}

// eachOnce checks every message reached the server exactly once and left
// the journal as sent after one attempt.
func eachOnce(t *testing.T, srv *smtptest.Server, store *memStore, msgs []Message) {
	t.Helper()
	for i, m := range msgs {
		if n := srv.CountTo(fmt.Sprintf("rcpt%03d@example.org", i+1)); n != 1 {
			t.Errorf("%s reached the server %d times", m.Key, n)
		}
		if r := store.result(t, m.Key); r.Outcome != OutcomeSent || r.Attempts != 1 {
			t.Errorf("%s: %v after %d attempts", m.Key, r.Outcome, r.Attempts)
		}
	}
	store.check(t)
}

func TestRefusedTokenIsRenewedOnANewConnection(t *testing.T) {
	tk := newTokens()
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("user@example.com", tk.valid))
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithCredential("user@example.com", tk.credential, AuthXOAuth2))
	msgs := messages(t, 8)
	src := sourceWith(msgs, 4, func() error {
		// An hour passes: the provider ends the token the engine still
		// holds, and the server drops every connection.
		tk.expireAll()
		return srv.Restart()
	})
	if _, err := e.Run(t.Context(), src); err != nil {
		t.Fatal(err)
	}
	eachOnce(t, srv, store, msgs)
	issued, rejected := tk.counts()
	if issued != 2 || len(rejected) == 0 || rejected[0] != "token-1" {
		t.Fatalf("issued %d tokens, rejected %v; want token-1 renewed once", issued, rejected)
	}
}

func TestTokenExpiringMidSessionIsRenewed(t *testing.T) {
	tk := newTokens()
	// A few messages on the two connections, then 530 to the one that
	// still holds the old token.
	tk.life, tk.margin = 20, 10
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("user@example.com", tk.valid), smtptest.WithTokenCheckPerMessage())
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithCredential("user@example.com", tk.credential, AuthXOAuth2), WithConcurrency(2))
	msgs := messages(t, 40)
	if _, err := runAll(t, e, msgs); err != nil {
		t.Fatal(err)
	}
	eachOnce(t, srv, store, msgs)
	if issued, rejected := tk.counts(); issued < 3 || len(rejected) == 0 {
		t.Fatalf("%d tokens for 40 messages, %d rejections: the tokens did not expire under the sessions", issued, len(rejected))
	}
}

func TestRevokedSignInStopsWithRowsPending(t *testing.T) {
	tk := newTokens()
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("user@example.com", tk.valid))
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithCredential("user@example.com", tk.credential, AuthXOAuth2))
	msgs := messages(t, 5)
	src := sourceWith(msgs, 2, func() error {
		tk.mu.Lock()
		tk.revoked = true
		tk.mu.Unlock()
		tk.expireAll()
		return srv.Restart()
	})
	sum, err := e.Run(t.Context(), src)
	se := wantStop(t, err, ErrAuth)
	if !strings.Contains(se.Error(), "sign in again") {
		t.Errorf("stop %q does not carry the credential's words", se.Error())
	}
	if sum.Sent != 2 || sum.Pending != 1 || srv.Count() != 2 {
		t.Fatalf("summary %+v, server %d", sum, srv.Count())
	}
	store.check(t)
}

func TestCredentialThatCannotRenewStopsAtOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("user@example.com", func(string) bool { return false }))
	store := newMemStore()
	calls := 0
	fixed := func(context.Context, string) (string, error) { calls++; return "pasted-token", nil }
	e, _ := plainEngine(t, srv, store, WithCredential("user@example.com", fixed, AuthXOAuth2))
	_, err := runAll(t, e, messages(t, 3))
	if se := wantStop(t, err, ErrAuth); !strings.Contains(se.Reply, "535 5.7.8") {
		t.Errorf("reply %q, want Gmail's 535 after the 334 challenge", se.Reply)
	}
	if n := len(srv.Conns()); n != 1 || calls != 2 {
		t.Fatalf("%d connections and %d credential calls; a fixed token is tried once", n, calls)
	}
}

// TestExpiredSessionThenNoRenewalLeavesRowPending: the session's token
// expires (530 at MAIL) and the provider cannot be reached to renew it for
// longer than the retries allow. The row that met the 530 was never sent:
// the journal must have it pending, not "sending" (which the next start
// would report as maybe delivered).
func TestExpiredSessionThenNoRenewalLeavesRowPending(t *testing.T) {
	tk := newTokens()
	tk.life, tk.margin = 4, 0
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("user@example.com", tk.valid), smtptest.WithTokenCheckPerMessage())
	store := newMemStore()
	e, _ := plainEngine(t, srv, store, WithCredential("user@example.com", tk.credential, AuthXOAuth2), WithRetries(1, Backoff{}))
	msgs := messages(t, 6)
	src := sourceWith(msgs, 3, func() error {
		tk.mu.Lock()
		tk.failNext = 10
		tk.mu.Unlock()
		return nil
	})
	sum, err := e.Run(t.Context(), src)
	wantStop(t, err, ErrUnreachable)
	if sum.Sent != 3 || srv.Count() != 3 {
		t.Fatalf("summary %+v, server %d", sum, srv.Count())
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	for key, st := range store.state {
		if st == "sending" {
			t.Errorf("%s left sending although it never reached DATA", key)
		}
	}
}

func TestUnreachableProviderIsRetried(t *testing.T) {
	tk := newTokens()
	tk.failNext = 2
	srv := smtptest.Start(t, smtptest.WithXOAUTH2("user@example.com", tk.valid))
	store := newMemStore()
	e, clk := plainEngine(t, srv, store, WithCredential("user@example.com", tk.credential, AuthXOAuth2))
	msgs := messages(t, 3)
	if _, err := runAll(t, e, msgs); err != nil {
		t.Fatal(err)
	}
	eachOnce(t, srv, store, msgs)
	if len(clk.slept()) < 2 {
		t.Fatalf("no backoff while the provider was unreachable: %v", clk.slept())
	}
}
