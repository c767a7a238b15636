package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/accounts"
	"mailroom/app/identity"
	"mailroom/app/journal"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender/smtptest"
)

const (
	shopUser = "shop@example.com"
	shopPass = "s3cret-授权码"
)

// shopSetup is a saved account "shop" in the user's settings folder that
// sends through srv and reads its mail from mailbox (or from imapPort when
// mailbox is nil), and a campaign file for it.
type shopSetup struct {
	dir, settings string
	env           []string
	store         *accounts.Store
	account       accounts.Account
}

func newShop(t *testing.T, srv *smtptest.Server, mailbox *imaptest.Server, list string) *shopSetup {
	t.Helper()
	s := &shopSetup{dir: t.TempDir(), env: userEnv(t)}
	for _, kv := range s.env {
		if v, ok := strings.CutPrefix(kv, "XDG_CONFIG_HOME="); ok {
			s.settings = filepath.Join(v, identity.ID)
		}
	}
	store, err := accounts.OpenStore(s.settings, accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	s.store = store
	a := accounts.Account{ID: "shop", DisplayName: "Shop", FromAddress: shopUser, Host: srv.Host(), Port: srv.Port(),
		Security: accounts.SecuritySTARTTLS, Auth: accounts.AuthAuto, Username: shopUser, Trust: accounts.Trust{CAPEM: string(srv.CAPEM())}}
	a = mailbox.Configure(a)
	a.IMAP.CopyToSent = false // the provider files what it accepts (below)
	if s.account, err = store.Add(a); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"list.csv": list,
		"body.txt": "您好 {{Name}}\n",
		"march.json": `{"version": 1, "name": "三月通知", "account": "shop", "recipients": "list.csv", "subject": "通知 {{Name}}",
			"body": "body.txt", "retries": 0, "journal": "march.journal"}`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// run runs the binary in the campaign's folder, with the password in the
// environment unless noPassword.
func (s *shopSetup) run(t *testing.T, noPassword bool, args ...string) result {
	t.Helper()
	env := s.env
	if !noPassword {
		env = append(env, accounts.PasswordEnv+"="+shopPass)
	}
	return runMailroom(t, s.dir, env, args...)
}

// messageIDs reads each address's Message-ID from the journal, as a
// provider's notices would quote it.
func (s *shopSetup) messageIDs(t *testing.T) map[string]string {
	t.Helper()
	j, err := journal.OpenReadOnly(filepath.Join(s.dir, "march.journal"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	camps, err := j.Campaigns()
	if err != nil || len(camps) != 1 {
		t.Fatalf("campaigns %v %v", camps, err)
	}
	rows, err := j.Rows(camps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range rows {
		ids[r.Address] = r.MessageID
	}
	return ids
}

func hardBounce(to, messageID string) []byte {
	return fmt.Appendf(nil, "From: MAILER-DAEMON@mx.example.com\r\nTo: %s\r\nSubject: Undelivered Mail Returned to Sender\r\n"+
		"Message-ID: <bounce-%s>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"+
		"--B\r\nContent-Type: text/plain\r\n\r\n<%s>: 550 5.1.1 User unknown\r\n"+
		"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; %s\r\n"+
		"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"+
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: %s\r\nMessage-ID: <%s>\r\n\r\n--B--\r\n", shopUser, messageID, to, to, to, messageID)
}

func replyTo(from, messageID string) []byte {
	return fmt.Appendf(nil, "From: %s\r\nTo: %s\r\nSubject: Re: 通知\r\nMessage-ID: <reply-%s>\r\nIn-Reply-To: <%s>\r\n\r\n收到，谢谢\r\n",
		from, shopUser, messageID, messageID)
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestStatusFetchReadsTheMailboxIntoTheJournal: after a real send (one
// row ends unknown: the server took the message and the connection
// dropped before it answered), `mailroom status --fetch` reads the
// account's mailbox over IMAP: a bounce, a reply and an unsubscribe land
// on their rows, the unknown row is found in the Sent folder and settled,
// so the campaign no longer needs a decision (exit 1 becomes 0). Without
// a password, or with an account that has no mailbox, it is a usage error
// (2); a mailbox that cannot be reached is said in words and the journal's
// status keeps its exit code. The user's mailbox is never changed.
func TestStatusFetchReadsTheMailboxIntoTheJournal(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth(shopUser, shopPass),
		smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageDataEnd, Recipient: "b@example.com", Times: 1, Fault: smtptest.Drop()}))
	mailbox, err := imaptest.New(shopUser, shopPass, imaptest.WithFolder("Sent Mail", imap.MailboxAttrSent),
		imaptest.WithFolder("Junk", imap.MailboxAttrJunk))
	if err != nil {
		t.Fatal(err)
	}
	defer mailbox.Close()
	s := newShop(t, srv, mailbox, "Name,Email\nAnn,a@example.com\nBo,b@example.com\nCy,c@example.com\nDi,d@example.com\n")
	reachable := s.account
	unreachable := reachable
	unreachable.IMAP.Port = closedPort(t)
	if err := s.store.Update(unreachable); err != nil {
		t.Fatal(err)
	}

	sent := s.run(t, false, "send", "march.json")
	if sent.Code != 1 || !strings.Contains(sent.Stderr, "needs a decision: 1 rows (1 unknown, 0 failed)") {
		t.Fatalf("send: exit %d, want 1 with row b unknown\n%s", sent.Code, sent.Stderr)
	}

	// No password anywhere (no terminal either): the command can never
	// work as given.
	if r := s.run(t, true, "status", "march.json", "--fetch"); r.Code != 2 || r.Stdout != "" ||
		!strings.Contains(r.Stderr, "the mailbox was not read: no password or sign-in for it") {
		t.Errorf("--fetch without a password: exit %d, want 2 saying so\nstdout %q\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
	// The mailbox cannot be reached: said in words; the status follows
	// and keeps its meaning (row b still needs a decision).
	r := s.run(t, false, "status", "march.json", "--fetch")
	t.Logf("status --fetch, mailbox unreachable, exit %d:\n%s%s", r.Code, r.Stderr, r.Stdout)
	if r.Code != 1 || !strings.Contains(r.Stderr, "mailroom status: the mailbox was not read: ") ||
		!strings.Contains(r.Stdout, "pending 0, sending 0, sent 3, failed 0, unknown 1, skipped 0\n") ||
		strings.Contains(r.Stdout, "mailbox read at") {
		t.Fatalf("unreachable mailbox: exit %d, want 1 with the journal's status\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}

	// The provider filed what it took in Sent (row b's message too);
	// a bounce for a, a reply from c and an unsubscribe from d came in.
	for _, m := range append(srv.Messages(), srv.Unanswered()...) {
		if _, err := mailbox.Deliver("Sent Mail", m.Data, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ids := s.messageIDs(t)
	for folder, raw := range map[string][]byte{
		"Junk":  hardBounce("a@example.com", ids["a@example.com"]),
		"INBOX": replyTo("Cy <c@example.com>", ids["c@example.com"]),
	} {
		if _, err := mailbox.Deliver(folder, raw, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	unsubscribe := "From: d@example.com\r\nTo: " + shopUser + "\r\nSubject: 退订\r\nMessage-ID: <unsub-d@example.com>\r\n\r\n退订\r\n"
	if _, err := mailbox.Deliver("INBOX", []byte(unsubscribe), time.Now()); err != nil {
		t.Fatal(err)
	}
	snapshot, err := mailbox.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.Update(reachable); err != nil {
		t.Fatal(err)
	}

	r = s.run(t, false, "status", "march.json", "--fetch")
	t.Logf("status --fetch, exit %d:\n%s%s", r.Code, r.Stderr, r.Stdout)
	if r.Code != 0 {
		t.Fatalf("--fetch: exit %d, want 0 (row b confirmed in Sent)\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"mailbox read: 3 new messages; new: bounced 1 hard, 0 soft; replied 1; automatic replies 0; unsubscribed 1; confirmed in Sent 1; not in Sent 0\n",
		"added to the do-not-send list: ",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("--fetch stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	for _, want := range []string{
		"campaign: 三月通知\n",
		"pending 0, sending 0, sent 4, failed 0, unknown 0, skipped 0\n",
		": bounced 1 hard, 0 soft; replied 1; automatic replies 0; unsubscribed 1; confirmed in Sent 1; not in Sent 0\n",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("--fetch stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "needs a decision") {
		t.Errorf("row b still needs a decision:\n%s", r.Stdout)
	}
	list, err := os.ReadFile(filepath.Join(s.settings, "data", "do-not-send.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a@example.com  # bounced ", "5.1.1: mailbox does not exist (三月通知)", "d@example.com  # unsubscribed "} {
		if !strings.Contains(string(list), want) {
			t.Errorf("do-not-send list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(string(list), "c@example.com") || strings.Contains(string(list), "b@example.com") {
		t.Errorf("a reply or a settled row went on the do-not-send list:\n%s", list)
	}

	// Reading again finds nothing new and adds nothing twice.
	again := s.run(t, false, "status", "march.json", "--fetch")
	if again.Code != 0 || !strings.Contains(again.Stderr, "mailbox read: 0 new messages;") || strings.Contains(again.Stderr, "do-not-send") {
		t.Errorf("second --fetch: exit %d\n%s", again.Code, again.Stderr)
	}
	if list2, _ := os.ReadFile(filepath.Join(s.settings, "data", "do-not-send.txt")); string(list2) != string(list) {
		t.Errorf("the second pass changed the do-not-send list:\n%s", list2)
	}
	// Plain status (read-only) shows what the mailbox said.
	if st := s.run(t, true, "status", "march.json"); st.Code != 0 || !strings.Contains(st.Stdout, "unsubscribed 1; confirmed in Sent 1") {
		t.Errorf("status after --fetch: exit %d\n%s%s", st.Code, st.Stdout, st.Stderr)
	}
	// The user's mailbox is exactly as it was.
	if changes := mailbox.Changes(); len(changes) != 0 {
		t.Errorf("the mailbox was changed: %v", changes)
	}
	if after, err := mailbox.Snapshot(); err != nil || !reflect.DeepEqual(after, snapshot) {
		t.Errorf("folders, UIDs or flags changed (%v):\nbefore %+v\nafter  %+v", err, snapshot, after)
	}
}

// pauseAt holds the SMTP server at one protocol moment of one message
// until released, so a test can act while a send is in the middle of a
// row: that row is marked sending in the journal, the run lock is held.
type pauseAt struct {
	stage            smtptest.Stage
	message          int
	once             sync.Once
	reached, release chan struct{}
}

func newPause(stage smtptest.Stage, message int) *pauseAt {
	return &pauseAt{stage: stage, message: message, reached: make(chan struct{}), release: make(chan struct{})}
}

// match is the smtptest rule hook; it never injects a fault.
func (p *pauseAt) match(e smtptest.Event) bool {
	if e.Stage == p.stage && e.Message == p.message {
		p.once.Do(func() {
			close(p.reached)
			<-p.release
		})
	}
	return false
}

// TestStatusFetchBesideARunningSend: `status --fetch` takes no run lock,
// so it works while `send` is sending the same campaign from the same
// journal, and it neither corrupts nor disturbs the send. First the send
// is held in the middle of row 3 (marked sending, the server has the
// message and has not answered) while a fetch records a bounce of row 1;
// then fetches run one after another for as long as the send goes on.
// Every row arrives exactly once, the send ends 0 with every row sent,
// every fetch read the mailbox, and the journal has the bounce.
func TestStatusFetchBesideARunningSend(t *testing.T) {
	const rows = 300
	pause := newPause(smtptest.StageDataEnd, 3)
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth(shopUser, shopPass), smtptest.WithoutBodies(),
		smtptest.WithRules(smtptest.Rule{Stage: smtptest.StageDataEnd, Match: pause.match, Fault: smtptest.Reply(451, "4.3.0", "never injected")}))
	mailbox, err := imaptest.New(shopUser, shopPass, imaptest.WithFolder("Sent Mail", imap.MailboxAttrSent))
	if err != nil {
		t.Fatal(err)
	}
	defer mailbox.Close()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&list, "客户%d,c%03d@example.com\n", i, i)
	}
	s := newShop(t, srv, mailbox, list.String())

	send := exec.Command(mailroomBin, "send", "march.json")
	send.Dir, send.Env = s.dir, append(append(os.Environ(), s.env...), accounts.PasswordEnv+"="+shopPass)
	var sendOut lockedBuffer
	send.Stdout, send.Stderr = &sendOut, &sendOut
	if err := send.Start(); err != nil {
		t.Fatal(err)
	}
	sendDone := make(chan struct{})
	go func() { _ = send.Wait(); close(sendDone) }()
	select {
	case <-pause.reached:
	case <-sendDone:
		close(pause.release)
		t.Fatalf("the send ended before row 3:\n%s", sendOut.String())
	}

	ids := s.messageIDs(t)
	if _, err := mailbox.Deliver("INBOX", hardBounce("c001@example.com", ids["c001@example.com"]), time.Now()); err != nil {
		close(pause.release)
		t.Fatal(err)
	}
	held := s.run(t, false, "status", "march.json", "--fetch")
	close(pause.release)
	t.Logf("status --fetch while row 3 is being sent, exit %d:\n%s%s", held.Code, held.Stderr, held.Stdout)
	if held.Code != 0 || !strings.Contains(held.Stderr, "new: bounced 1 hard, 0 soft;") ||
		!strings.Contains(held.Stdout, fmt.Sprintf("pending %d, sending 1, sent 2, failed 0, unknown 0, skipped 0\n", rows-3)) {
		t.Errorf("--fetch beside a held send: exit %d, want 0 with the bounce and row 3 sending\n%s%s", held.Code, held.Stderr, held.Stdout)
	}

	// Now read the mailbox again and again while the send goes on.
	var fetches []result
	for running := true; running; {
		select {
		case <-sendDone:
			running = false
		default:
			fetches = append(fetches, s.run(t, false, "status", "march.json", "--fetch"))
		}
	}
	t.Logf("%d more fetches while the send ran", len(fetches))
	for i, r := range fetches {
		if r.Code != 0 || !strings.Contains(r.Stderr, "mailbox read: ") || strings.Contains(r.Stderr, "not read") {
			t.Errorf("fetch %d beside the send: exit %d\n%s", i+1, r.Code, r.Stderr)
		}
	}
	if code := send.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("send: exit %d, want 0\n%s", code, sendOut.String())
	}
	for i := 1; i <= rows; i++ {
		if n := srv.CountTo(fmt.Sprintf("c%03d@example.com", i)); n != 1 {
			t.Errorf("row %d arrived %d times", i, n)
		}
	}
	final := s.run(t, false, "status", "march.json")
	if final.Code != 0 || !strings.Contains(final.Stdout, fmt.Sprintf("pending 0, sending 0, sent %d, failed 0, unknown 0, skipped 0\n", rows)) ||
		!strings.Contains(final.Stdout, ": bounced 1 hard, 0 soft;") {
		t.Errorf("status after the send: exit %d\n%s%s", final.Code, final.Stdout, final.Stderr)
	}
	if locks, _ := filepath.Glob(filepath.Join(s.dir, "march.journal.run-*.lock")); len(locks) != 0 {
		t.Errorf("lock files left behind: %v", locks)
	}
}
