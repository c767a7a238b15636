package campaign

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/oauth"
	"mailroom/app/oauth/oauthtest"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender"
	"mailroom/sender/smtptest"
)

// oauthCampaign is a Gmail-like account signed in through the fake
// provider, with an SMTP server and a mailbox that take only the
// provider's access tokens, and a campaign of rows addressed rNN.
type oauthCampaign struct {
	fake    *oauthtest.Server
	svc     *oauth.Service
	smtp    *smtptest.Server
	mailbox *imaptest.Server
	env     Env
	c       *Campaign
	dir     string
}

const oauthUser = "billing@example.com"

func newOAuthCampaign(t *testing.T, rows int) *oauthCampaign {
	t.Helper()
	o := &oauthCampaign{fake: oauthtest.New(), dir: t.TempDir()}
	t.Cleanup(o.fake.Close)
	o.fake.Email = oauthUser
	valid := func(token string) bool { return o.fake.Valid(oauthUser, token) }
	// The session's token is checked at every message: when the provider
	// ends it, the next MAIL is answered 530 (and a new AUTH with it 535).
	o.smtp = smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithXOAUTH2(oauthUser, valid),
		smtptest.WithTokenCheckPerMessage(), smtptest.WithoutBodies())
	mailbox, err := imaptest.New(oauthUser, "not-used", imaptest.WithXOAUTH2(valid), imaptest.WithFolder("Sent Mail", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mailbox.Close() })
	o.mailbox = mailbox

	secrets := accounts.NewSessionSecrets()
	store, err := accounts.OpenStore(o.dir, secrets)
	if err != nil {
		t.Fatal(err)
	}
	p := oauth.Provider{ID: accounts.OAuthGoogle, Name: "Google", AuthURL: o.fake.AuthURL(), TokenURL: o.fake.TokenURL(),
		RevokeURL: o.fake.RevokeURL(), Scopes: []string{"https://mail.google.com/"}, ClientID: o.fake.ClientID}
	o.svc = oauth.New(secrets, oauth.WithProvider(p))
	acct := accounts.Account{DisplayName: "Billing", FromAddress: oauthUser, Host: o.smtp.Host(), Port: o.smtp.Port(),
		Security: accounts.SecuritySTARTTLS, Auth: accounts.AuthXOAUTH2, Username: oauthUser,
		// No Gmail preset: Gmail files its own Sent copy, so a Gmail account
		// never appends one (accounts.SentCopyFor). The copy that shares the
		// sign-in's token is tested on a server that does not file its own.
		OAuth: accounts.OAuth{Provider: accounts.OAuthGoogle}}
	acct = mailbox.Configure(acct)
	acct.IMAP.CopyToSent = true
	acct.Trust.CAPEM = string(o.smtp.CAPEM()) + mailbox.CAPEM()
	if acct, err = store.Add(acct); err != nil {
		t.Fatal(err)
	}
	o.signIn(t, acct)
	acct.OAuth.SignedInAs = oauthUser
	if err := store.Update(acct); err != nil {
		t.Fatal(err)
	}

	var list strings.Builder
	list.WriteString("姓名,邮箱\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&list, "客户%d,r%02d@example.org\n", i, i)
	}
	write(t, o.dir, "list.csv", list.String())
	write(t, o.dir, "body.txt", "{{姓名}}，您好：本月账单已出。\n")
	o.c = &Campaign{Account: acct.ID, Recipients: filepath.Join(o.dir, "list.csv"), Subject: "{{姓名}}的账单",
		Body: filepath.Join(o.dir, "body.txt"), Journal: filepath.Join(o.dir, "j.db"), Concurrency: 2}
	o.env = Env{DataDir: o.dir, Accounts: store}
	return o
}

func (o *oauthCampaign) signIn(t *testing.T, acct accounts.Account) {
	t.Helper()
	p, _ := o.svc.Provider(accounts.OAuthGoogle)
	g, err := o.svc.SignIn(context.Background(), acct, p, o.fake.Consent)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.svc.Keep(acct, g); err != nil {
		t.Fatal(err)
	}
}

// send prepares and runs the campaign with the account's sign-in, as the
// window and the headless command do.
func (o *oauthCampaign) send(t *testing.T) Outcome {
	t.Helper()
	plan, err := Prepare(context.Background(), o.c, o.env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	cred, ok, err := o.svc.Credential(plan.Account, nil)
	if err != nil || !ok {
		t.Fatalf("credential: %v %v", ok, err)
	}
	out, err := plan.Send(context.Background(), o.env, SendOptions{Credential: cred, Engine: []sender.Option{
		sender.WithRetries(2, sender.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// atCount runs fn once the SMTP server has accepted n messages.
func (o *oauthCampaign) atCount(t *testing.T, n int, fn func()) <-chan error {
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := o.smtp.WaitCount(ctx, n); err != nil {
			done <- err
			return
		}
		fn()
		done <- nil
	}()
	return done
}

// journalStates returns each address's journal row.
func (o *oauthCampaign) journalStates(t *testing.T) map[string]journal.Row {
	t.Helper()
	j, err := journal.Open(o.c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	rows, err := j.Rows(1)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]journal.Row{}
	for _, r := range rows {
		out[r.Address] = r
	}
	return out
}

// TestTokensExpiringMidCampaignSendEveryRowOnce: the provider ends the
// access tokens three times during a campaign on two connections (once
// with a server restart, so the reconnection's AUTH is refused too). The
// campaign never stops: every row is sent exactly once, the journal says
// so, and the Sent folder, which shares the token, got every copy.
func TestTokensExpiringMidCampaignSendEveryRowOnce(t *testing.T) {
	const rows = 40
	o := newOAuthCampaign(t, rows)
	events := []<-chan error{
		o.atCount(t, 10, o.fake.ExpireAccessTokens),
		o.atCount(t, 20, func() {
			o.fake.ExpireAccessTokens()
			o.mailbox.DropConnections()
			_ = o.smtp.Restart()
		}),
		o.atCount(t, 30, o.fake.ExpireAccessTokens),
	}
	out := o.send(t)
	for _, e := range events {
		if err := <-e; err != nil {
			t.Fatal(err)
		}
	}
	if out.Stopped != nil || len(out.Warnings) != 0 {
		t.Fatalf("stopped %v, warnings %v", out.Stopped, out.Warnings)
	}
	states := o.journalStates(t)
	for i := 1; i <= rows; i++ {
		a := fmt.Sprintf("r%02d@example.org", i)
		// A restart can cut a message after its end: it is unknown, never
		// resent. Every other row is sent, and received exactly once.
		switch r := states[a]; {
		case r.State == journal.StateSent && o.smtp.CountTo(a) == 1:
		case r.State == journal.StateUnknown && o.smtp.CountTo(a) <= 1:
		default:
			t.Errorf("%s: journal %s, received %d times (reply %q)", a, r.State, o.smtp.CountTo(a), r.Reply)
		}
	}
	if _, refreshes, _ := o.fake.Counts(); refreshes < 4 {
		t.Errorf("%d refreshes: the tokens were not renewed after each expiry", refreshes)
	}
	copies, err := o.mailbox.Messages("Sent Mail")
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != out.Sent {
		t.Errorf("%d copies in Sent for %d sent", len(copies), out.Sent)
	}
}

// TestRevokedSignInStopsAndResumesAfterSigningInAgain: the user removes
// Mailroom from their account mid-campaign. The run stops as an
// authentication stop that says "sign in again", with the rest pending;
// after signing in again the next run sends exactly the rest.
func TestRevokedSignInStopsAndResumesAfterSigningInAgain(t *testing.T) {
	const rows = 20
	o := newOAuthCampaign(t, rows)
	revoked := o.atCount(t, 6, o.fake.RevokeAll)
	out := o.send(t)
	if err := <-revoked; err != nil {
		t.Fatal(err)
	}
	if out.Stopped == nil || !errors.Is(out.Stopped, sender.ErrAuth) || !errors.Is(out.Stopped, accounts.ErrSignInAgain) {
		t.Fatalf("stopped = %v, want an authentication stop", out.Stopped)
	}
	var words *msg.Error
	if !errors.As(out.Stopped, &words) || !strings.Contains(words.Text.String(), "sign in again") || !strings.Contains(words.Text.In(msg.SimplifiedChinese), "重新登录") {
		t.Fatalf("the stop does not say to sign in again: %v", out.Stopped)
	}
	if out.Pending == 0 || out.Sent+out.Pending+out.Unknown != rows {
		t.Fatalf("counts %+v", out.Counts)
	}
	for a, r := range o.journalStates(t) {
		if r.State == journal.StateSending {
			t.Errorf("%s left sending", a)
		}
	}
	firstRun := out.Sent

	acct, err := o.env.Accounts.Get(o.c.Account)
	if err != nil {
		t.Fatal(err)
	}
	o.signIn(t, acct)
	out = o.send(t)
	if out.Stopped != nil || out.Sent != rows-out.Unknown {
		t.Fatalf("after signing in again: stopped %v, counts %+v (first run sent %d)", out.Stopped, out.Counts, firstRun)
	}
	for i := 1; i <= rows; i++ {
		a := fmt.Sprintf("r%02d@example.org", i)
		if n := o.smtp.CountTo(a); n > 1 {
			t.Errorf("%s received %d times", a, n)
		}
	}
}

// TestNotSignedInIsAPreflightProblem: an account that signs in with Google
// but has no refresh token blocks the send before anything is touched,
// and MAILROOM_OAUTH_TOKEN lifts it for scripts.
func TestNotSignedInIsAPreflightProblem(t *testing.T) {
	o := newOAuthCampaign(t, 2)
	acct, _ := o.env.Accounts.Get(o.c.Account)
	if _, err := o.svc.SignOut(context.Background(), acct); err != nil {
		t.Fatal(err)
	}
	plan, err := Prepare(context.Background(), o.c, o.env)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range plan.Problems.Blocking() {
		found = found || p.Code == "not-signed-in" && strings.Contains(p.Error(), "Sign in with Google")
	}
	if !found {
		t.Fatalf("problems %v", plan.Problems)
	}
	t.Setenv(accounts.OAuthTokenEnv, "token-from-a-script")
	if plan, _ = Prepare(context.Background(), o.c, o.env); !plan.Ready() {
		t.Fatalf("with %s: %v", accounts.OAuthTokenEnv, plan.Problems)
	}
}
