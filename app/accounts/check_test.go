package accounts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"mailroom/app/msg"
	"mailroom/sender/smtptest"
)

const (
	testUser     = "zhang@example.com"
	testPassword = "Right-授权码-42"
)

func serverAccount(srv *smtptest.Server, sec Security) Account {
	return Account{
		ID: "t1", DisplayName: "Test", FromName: "张三", FromAddress: testUser,
		Host: srv.Host(), Port: srv.Port(), Security: sec, Auth: AuthAuto, Username: testUser,
		Trust: Trust{CAPEM: string(srv.CAPEM())},
	}
}

func runCheck(t *testing.T, a Account, secret string, opts ...CheckOption) Report {
	t.Helper()
	r, err := Check(context.Background(), a, secret, opts...)
	if err != nil {
		t.Fatalf("Check refused the account: %v", err)
	}
	if secret != "" && strings.Contains(fmt.Sprintf("%+v %v", r, r.Err()), secret) {
		t.Fatalf("the report contains the password:\n%+v", r)
	}
	return r
}

func kinds(r Report) []StepKind {
	out := make([]StepKind, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = s.Kind
	}
	return out
}

// failedStep returns the failed step, failing the test if there is none or
// it is not the expected kind and problem.
func failedStep(t *testing.T, r Report, kind StepKind, problem Problem) Step {
	t.Helper()
	err := r.Err()
	var se *StepError
	if !errors.As(err, &se) || !errors.Is(err, ErrCheckFailed) {
		t.Fatalf("want a failed %s step, report passed: %v", kind, kinds(r))
	}
	if se.Step.Kind != kind || se.Step.Problem != problem {
		t.Fatalf("failed at %s with %s (%q), want %s with %s", se.Step.Kind, se.Step.Problem, se.Step.Summary, kind, problem)
	}
	if last := r.Steps[len(r.Steps)-1]; last.Kind != kind {
		t.Fatalf("steps continued after the failure: %v", kinds(r))
	}
	return se.Step
}

func TestCheckSTARTTLSLoginAndTestMessage(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth(testUser, testPassword))
	var live []StepKind
	r := runCheck(t, serverAccount(srv, SecuritySTARTTLS), testPassword, WithTestMessage(),
		WithProgress(func(s Step) { live = append(live, s.Kind) }))
	if err := r.Err(); err != nil {
		t.Fatalf("check failed: %v", err)
	}
	want := []StepKind{StepDNS, StepConnect, StepGreeting, StepHello, StepSTARTTLS, StepTLS, StepCertificate, StepAuth, StepTestMessage}
	if fmt.Sprint(kinds(r)) != fmt.Sprint(want) || fmt.Sprint(live) != fmt.Sprint(want) {
		t.Fatalf("steps %v, progress %v; want %v", kinds(r), live, want)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].From != testUser || len(msgs[0].To) != 1 || msgs[0].To[0] != testUser || !msgs[0].TLS || msgs[0].User != testUser {
		t.Fatalf("server received %+v", msgs)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil || subject != "Mailroom test message / Mailroom 测试邮件" {
		t.Fatalf("subject %q, %v", subject, err)
	}
	from, err := parsed.Header.AddressList("From")
	if err != nil || from[0].Name != "张三" || from[0].Address != testUser {
		t.Fatalf("From %v, %v", from, err)
	}
	if !strings.HasSuffix(parsed.Header.Get("Message-ID"), "@example.com>") || parsed.Header.Get("X-Mailer") != "" || parsed.Header.Get("User-Agent") != "" {
		t.Fatalf("Message-ID not from the sender's domain, or a mailer header leaked: %v", parsed.Header)
	}
	if c := r.Certificates(); len(c) == 0 || c[0].SHA256 == "" {
		t.Fatalf("no certificate in the report: %+v", c)
	}
}

func TestCheckImplicitTLSOrder(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithAuth(testUser, testPassword))
	r := runCheck(t, serverAccount(srv, SecurityTLS), testPassword)
	if err := r.Err(); err != nil {
		t.Fatalf("check failed: %v", err)
	}
	want := []StepKind{StepDNS, StepConnect, StepTLS, StepCertificate, StepGreeting, StepHello, StepAuth}
	if fmt.Sprint(kinds(r)) != fmt.Sprint(want) {
		t.Fatalf("steps %v, want %v", kinds(r), want)
	}
	if srv.Count() != 0 {
		t.Fatal("a message was sent without WithTestMessage")
	}
}

func TestCheckEveryMechanism(t *testing.T) {
	for _, c := range []struct {
		offered string
		auth    AuthMethod
	}{{"PLAIN", AuthAuto}, {"LOGIN", AuthAuto}, {"CRAM-MD5", AuthAuto}, {"LOGIN", AuthLogin}, {"CRAM-MD5", AuthCRAMMD5}, {"XOAUTH2", AuthXOAUTH2}} {
		t.Run(c.offered+"/"+string(c.auth), func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithAuth(testUser, testPassword), smtptest.WithAuthMechanisms(c.offered))
			a := serverAccount(srv, SecurityTLS)
			a.Auth = c.auth
			r := runCheck(t, a, testPassword)
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if s := r.Steps[len(r.Steps)-1]; !strings.Contains(s.Summary, "("+c.offered+")") {
				t.Fatalf("login step: %q", s.Summary)
			}
		})
	}
}

func TestCheckWrongPasswordGivesProviderHint(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithAuth(testUser, testPassword))
	a := serverAccount(srv, SecurityTLS)
	a.Preset = "qq"
	const wrong = "my-qq-login-password"
	r := runCheck(t, a, wrong)
	s := failedStep(t, r, StepAuth, ProblemAuthFailed)
	if s.Code != 535 || !strings.Contains(s.Reply, "535") || !strings.Contains(s.Summary, s.Reply) {
		t.Fatalf("server reply not reported: code %d, reply %q, summary %q", s.Code, s.Reply, s.Summary)
	}
	msg := r.Err().Error()
	if !strings.Contains(msg, "QQ Mail needs an authorisation code (授权码), not your QQ password") {
		t.Fatalf("no QQ hint in %q", msg)
	}
}

func TestCheckOffersNoLogin(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit))
	r := runCheck(t, serverAccount(srv, SecurityTLS), testPassword)
	noAuth := failedStep(t, r, StepAuth, ProblemAuthUnavailable)
	// The server takes mail without a login: say so, and which choice in
	// the form fixes it, in the user's language.
	if !strings.Contains(noAuth.Summary, "needs no sign-in") || !strings.Contains(noAuth.Hint, "Choose None under Authentication") {
		t.Errorf("no-AUTH server explained as %q / %q", noAuth.Summary, noAuth.Hint)
	}
	var stepErr *StepError
	if !errors.As(r.Err(), &stepErr) {
		t.Fatalf("report error %T", r.Err())
	}
	if zh := stepErr.UserText().In(msg.SimplifiedChinese); !strings.Contains(zh, "不需要登录") || !strings.Contains(zh, "“身份验证”中选择“无”") {
		t.Errorf("in Chinese: %q", zh)
	}

	withLogin := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithAuth(testUser, testPassword), smtptest.WithAuthMechanisms("LOGIN"))
	a := serverAccount(withLogin, SecurityTLS)
	a.Auth = AuthCRAMMD5
	s := failedStep(t, runCheck(t, a, testPassword), StepAuth, ProblemAuthUnavailable)
	if !strings.Contains(s.Summary, "offers LOGIN") {
		t.Fatalf("summary %q does not list what the server offers", s.Summary)
	}
}

func TestCheckSTARTTLSMissingSendsNoPassword(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSNone), smtptest.WithAuth(testUser, testPassword))
	r := runCheck(t, serverAccount(srv, SecuritySTARTTLS), testPassword)
	s := failedStep(t, r, StepSTARTTLS, ProblemNoSTARTTLS)
	if !strings.Contains(s.Summary, "does not offer STARTTLS") {
		t.Fatalf("summary %q", s.Summary)
	}
	for _, c := range srv.Conns() {
		if c.Commands["AUTH"] != 0 {
			t.Fatal("AUTH was sent although STARTTLS failed")
		}
	}
}

func TestCheckPlainLoginToLoopback(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSNone), smtptest.WithAuth(testUser, testPassword))
	a := serverAccount(srv, SecurityNone)
	a.Trust = Trust{}
	if err := runCheck(t, a, testPassword).Err(); err != nil {
		t.Fatalf("plain login to 127.0.0.1 failed: %v", err)
	}
}

func TestCheckExpiredCertificate(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithExpiredCertificate(), smtptest.WithAuth(testUser, testPassword))
	r := runCheck(t, serverAccount(srv, SecurityTLS), testPassword)
	s := failedStep(t, r, StepCertificate, ProblemCertificate)
	if !strings.Contains(s.Summary, "expired on") || !strings.Contains(s.Summary, "SHA-256") || !strings.Contains(s.Summary, "smtptest CA") {
		t.Fatalf("summary lacks expiry, fingerprint or issuer: %q", s.Summary)
	}
	if len(s.Certificates) == 0 || s.Certificates[0].NotAfter.After(time.Now()) {
		t.Fatalf("certificate details missing: %+v", s.Certificates)
	}
}

func TestCheckWrongHostCertificateOverSTARTTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithCertificateHosts("mail.other.example"), smtptest.WithAuth(testUser, testPassword))
	r := runCheck(t, serverAccount(srv, SecuritySTARTTLS), testPassword)
	s := failedStep(t, r, StepCertificate, ProblemCertificate)
	if !strings.Contains(s.Summary, "is for mail.other.example, not for 127.0.0.1") {
		t.Fatalf("summary %q", s.Summary)
	}
}

// TestCheckUntrustedCertificateThenPinned fetches the certificate of a
// server whose CA is unknown, pins it as the user would after comparing the
// fingerprint, and checks that the pin, and only the right pin, is trusted.
func TestCheckUntrustedCertificateThenPinned(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth(testUser, testPassword))
	a := serverAccount(srv, SecuritySTARTTLS)
	a.Trust = Trust{}
	s := failedStep(t, runCheck(t, a, testPassword), StepCertificate, ProblemCertificate)
	if !strings.Contains(s.Summary, "does not trust") || !strings.Contains(s.Hint, "fingerprint") {
		t.Fatalf("summary %q, hint %q", s.Summary, s.Hint)
	}
	chain, err := FetchCertificate(context.Background(), a)
	if err != nil || len(chain) == 0 {
		t.Fatalf("FetchCertificate = %v, %v", chain, err)
	}
	if chain[0].SHA256 != s.Certificates[0].SHA256 || !strings.Contains(chain[0].Issuer, "CN=smtptest CA") {
		t.Fatalf("fetched %+v", chain[0])
	}
	if n := len(srv.Conns()); srv.Conns()[n-1].Commands["AUTH"] != 0 {
		t.Fatal("FetchCertificate logged in")
	}

	a.Trust.PinnedSHA256 = strings.ToLower(strings.ReplaceAll(chain[0].SHA256, ":", ""))
	if err := runCheck(t, a, testPassword).Err(); err != nil {
		t.Fatalf("pinned certificate refused: %v", err)
	}
	a.Trust.PinnedSHA256 = strings.Repeat("AB", 32)
	failedStep(t, runCheck(t, a, testPassword), StepCertificate, ProblemCertificate)
}

func TestCheckImplicitTLSAgainstPlainPort(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSStartTLS))
	s := failedStep(t, runCheck(t, serverAccount(srv, SecurityTLS), testPassword), StepTLS, ProblemTLS)
	if !strings.Contains(s.Summary, "did not answer with TLS") {
		t.Fatalf("summary %q", s.Summary)
	}
}

// silentListener accepts connections and never writes, like a firewall
// that lets the connection through to nothing, or a TLS port spoken to in
// plain text.
func silentListener(t *testing.T) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}

func addrAccount(addr *net.TCPAddr, sec Security) Account {
	return Account{DisplayName: "Silent", FromAddress: testUser, Host: addr.IP.String(), Port: addr.Port,
		Security: sec, Auth: AuthAuto, Username: testUser}
}

func TestCheckServerThatNeverAnswersTimesOut(t *testing.T) {
	addr := silentListener(t)
	s := failedStep(t, runCheck(t, addrAccount(addr, SecuritySTARTTLS), testPassword, WithStepTimeout(200*time.Millisecond)), StepGreeting, ProblemTimeout)
	if !strings.Contains(s.Summary, "no greeting within 200 ms") {
		t.Fatalf("summary %q", s.Summary)
	}
	s = failedStep(t, runCheck(t, addrAccount(addr, SecurityTLS), testPassword, WithStepTimeout(200*time.Millisecond)), StepTLS, ProblemTimeout)
	if !strings.Contains(s.Summary, "within 200 ms") {
		t.Fatalf("summary %q", s.Summary)
	}
}

func TestCheckCancelStopsAStalledStep(t *testing.T) {
	addr := silentListener(t)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Check(ctx, addrAccount(addr, SecuritySTARTTLS), testPassword, WithStepTimeout(time.Hour),
		WithProgress(func(s Step) {
			if s.Kind == StepConnect {
				cancel()
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	failedStep(t, r, StepGreeting, ProblemCanceled)
}

func TestCheckRefusedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	s := failedStep(t, runCheck(t, addrAccount(addr, SecurityTLS), testPassword), StepConnect, ProblemRefused)
	if !strings.Contains(s.Summary, fmt.Sprintf("refused the connection on port %d", addr.Port)) || s.Hint == "" {
		t.Fatalf("summary %q, hint %q", s.Summary, s.Hint)
	}
}

func TestCheckUnknownServerName(t *testing.T) {
	a := Account{DisplayName: "Typo", FromAddress: testUser, Host: "smtp.mailroom-test.invalid", Port: 465,
		Security: SecurityTLS, Auth: AuthAuto, Username: testUser}
	r := runCheck(t, a, testPassword, WithStepTimeout(5*time.Second))
	err := r.Err()
	var se *StepError
	if !errors.As(err, &se) || se.Step.Kind != StepDNS || (se.Step.Problem != ProblemDNS && se.Step.Problem != ProblemTimeout) {
		t.Fatalf("want a DNS failure, got %v", err)
	}
	if !strings.Contains(se.Step.Summary, "smtp.mailroom-test.invalid") {
		t.Fatalf("summary %q does not name the server", se.Step.Summary)
	}
}

func TestCheckRefusesInvalidInput(t *testing.T) {
	a := Account{Host: "", Port: 0}
	if _, err := Check(context.Background(), a, ""); !errors.Is(err, ErrInvalidAccount) {
		t.Fatalf("got %v", err)
	}
	srv := smtptest.Start(t)
	if _, err := Check(context.Background(), serverAccount(srv, SecurityNone), ""); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("a login test without a password: %v", err)
	}
	if _, err := Check(context.Background(), serverAccount(srv, SecurityNone), "pw", WithStepTimeout(0)); err == nil {
		t.Fatal("zero step timeout accepted")
	}
	a = serverAccount(srv, SecurityNone)
	if _, err := FetchCertificate(context.Background(), a); err == nil || !strings.Contains(err.Error(), "does not use TLS") {
		t.Fatalf("FetchCertificate on a plain account: %v", err)
	}
}
