package accounts

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"time"

	"mailroom/app/msg"
)

// StepKind names one step of the connection test.
type StepKind string

// The steps of a connection test, in the order they can happen. With
// STARTTLS the TLS and certificate steps come after the greeting and EHLO;
// with implicit TLS before them.
const (
	StepDNS         StepKind = "dns"
	StepConnect     StepKind = "connect"
	StepGreeting    StepKind = "greeting"
	StepHello       StepKind = "ehlo"
	StepSTARTTLS    StepKind = "starttls"
	StepTLS         StepKind = "tls"
	StepCertificate StepKind = "certificate"
	StepAuth        StepKind = "auth"
	StepTestMessage StepKind = "test-message"
	// StepDKIM compares the DKIM key published in DNS with the account's
	// key (only for accounts that sign, after the server steps).
	StepDKIM StepKind = "dkim"
)

// Problem classifies what went wrong in a step.
type Problem int

// The problems a connection test can find.
const (
	ProblemNone            Problem = iota
	ProblemDNS                     // the server name does not resolve
	ProblemRefused                 // nothing listens on that port
	ProblemUnreachable             // no route to the server
	ProblemTimeout                 // no answer within the step's time limit
	ProblemNotSMTP                 // something answered, but not SMTP
	ProblemTLS                     // TLS could not be negotiated
	ProblemCertificate             // the certificate did not verify
	ProblemNoSTARTTLS              // STARTTLS required but not offered
	ProblemAuthUnavailable         // the server offers no usable login method
	ProblemAuthFailed              // the server refused the username/password
	ProblemRejected                // the server answered a command with an error
	ProblemConnectionLost          // the server closed the connection
	ProblemCanceled                // the caller cancelled the test
	ProblemDKIM                    // the DKIM record is missing or does not match the key
)

var problemNames = map[Problem]string{
	ProblemNone: "none", ProblemDNS: "dns", ProblemRefused: "refused", ProblemUnreachable: "unreachable",
	ProblemTimeout: "timeout", ProblemNotSMTP: "not-smtp", ProblemTLS: "tls", ProblemCertificate: "certificate",
	ProblemNoSTARTTLS: "no-starttls", ProblemAuthUnavailable: "auth-unavailable", ProblemAuthFailed: "auth-failed",
	ProblemRejected: "rejected", ProblemConnectionLost: "connection-lost", ProblemCanceled: "canceled",
	ProblemDKIM: "dkim",
}

func (p Problem) String() string {
	if s, ok := problemNames[p]; ok {
		return s
	}
	return fmt.Sprintf("problem(%d)", int(p))
}

// Step is the outcome of one step, in words for the user plus the typed
// details a program needs.
type Step struct {
	Kind StepKind
	OK   bool
	// Text says what happened in one or two plain sentences, and HintText
	// what to change; both render in the user's language. Summary and
	// Hint are the same in English, for logs and the headless command.
	Text     msg.Text
	HintText msg.Text
	Summary  string
	Problem  Problem // ProblemNone when OK
	// Reply is the server's reply text when it gave one ("535 5.7.8 …").
	Reply string
	Code  int
	// Hint says what to do (the provider's advice for a failed login).
	Hint string
	// Certificates is the server's chain, leaf first, on the TLS and
	// certificate steps, also when it did not verify.
	Certificates []CertificateInfo
	Elapsed      time.Duration
	// Err is the underlying error of a failed step.
	Err error
	// DKIM is what the DKIM step found; zero on other steps.
	DKIM DKIMRecordState
}

// StepError is a failed step as an error; it matches ErrCheckFailed.
type StepError struct {
	Step Step
}

func (e *StepError) Error() string {
	text := e.Step.Summary
	if e.Step.Hint != "" {
		text += " " + e.Step.Hint
	}
	return text
}

// UserText is the step's words and hint in the user's language.
func (e *StepError) UserText() msg.Text {
	if e.Step.HintText.IsZero() {
		return e.Step.Text
	}
	return msg.T("{{.Summary}} {{.Hint}}", "Summary", e.Step.Text, "Hint", e.Step.HintText)
}

func (e *StepError) Unwrap() error { return e.Step.Err }

// Is makes every StepError match ErrCheckFailed.
func (e *StepError) Is(target error) bool { return target == ErrCheckFailed }

// ErrCheckFailed matches the error of any failed connection test step.
var ErrCheckFailed = errors.New("connection test failed")

// Report is everything a connection test found, step by step.
type Report struct {
	Account string // the account's label
	Steps   []Step
}

// OK reports whether every step succeeded.
func (r Report) OK() bool { return r.Err() == nil }

// Err returns the first failed step as a *StepError, or nil.
func (r Report) Err() error {
	for _, s := range r.Steps {
		if !s.OK {
			return &StepError{Step: s}
		}
	}
	return nil
}

// Certificates returns the server's certificate chain seen during the
// test, or nil when TLS was not reached.
func (r Report) Certificates() []CertificateInfo {
	for _, s := range r.Steps {
		if s.Kind == StepCertificate || s.Kind == StepTLS {
			if len(s.Certificates) > 0 {
				return s.Certificates
			}
		}
	}
	return nil
}

// DefaultStepTimeout is how long each step may wait for the server.
const DefaultStepTimeout = 15 * time.Second

// CheckOption adjusts a connection test.
type CheckOption func(*checkConfig) error

type checkConfig struct {
	stepTimeout time.Duration
	testMessage bool
	progress    func(Step)
	// dkimKey, resolver and skipDNS drive the DKIM step (dkim_check.go).
	dkimKey  crypto.Signer
	resolver TXTResolver
	skipDNS  bool
}

// WithDKIMKey adds the DKIM step for an account that signs: the key's
// public half is compared with the one published in DNS.
func WithDKIMKey(key crypto.Signer) CheckOption {
	return func(c *checkConfig) error {
		if key == nil {
			return errors.New("accounts: WithDKIMKey needs a key")
		}
		c.dkimKey = key
		return nil
	}
}

// WithTXTResolver looks the DKIM record up with r instead of the system's
// DNS (tests use an in-memory resolver).
func WithTXTResolver(r TXTResolver) CheckOption {
	return func(c *checkConfig) error { c.resolver = r; return nil }
}

// WithoutDKIMLookup skips the DNS look-up of the DKIM record (offline):
// the step says it was not checked.
func WithoutDKIMLookup() CheckOption {
	return func(c *checkConfig) error { c.skipDNS = true; return nil }
}

// WithStepTimeout sets how long each step may wait (default 15 seconds).
func WithStepTimeout(d time.Duration) CheckOption {
	return func(c *checkConfig) error {
		if d <= 0 {
			return fmt.Errorf("accounts: step timeout must be positive, got %v", d)
		}
		c.stepTimeout = d
		return nil
	}
}

// WithTestMessage also sends a short test message to the account's own
// From address after logging in.
func WithTestMessage() CheckOption {
	return func(c *checkConfig) error {
		c.testMessage = true
		return nil
	}
}

// WithProgress calls report after each step, as it happens, so a window
// can show the steps live. It is called from the goroutine running Check.
func WithProgress(report func(Step)) CheckOption {
	return func(c *checkConfig) error {
		if report == nil {
			return errors.New("accounts: WithProgress needs a function")
		}
		c.progress = report
		return nil
	}
}

// Check tests the account the way sending will use it: resolve the name,
// connect, negotiate TLS and verify the certificate, log in with secret
// (password or OAuth token), and optionally send a test message to the
// account's own address. Each step has its own time limit, so the test
// never hangs. Problems with the server are in the Report (see Report.Err);
// the error is non-nil only when the account or an option is invalid and
// nothing was attempted.
func Check(ctx context.Context, a Account, secret string, opts ...CheckOption) (Report, error) {
	cfg, err := newCheckConfig(a, opts)
	if err != nil {
		return Report{}, err
	}
	if a.NeedsSecret() && secret == "" {
		return Report{}, fmt.Errorf("%w: enter the password (or access token) to test the login", ErrNoPassword)
	}
	if cfg.testMessage && a.FromAddress == "" {
		return Report{}, errors.New("accounts: a test message needs the account's From address")
	}
	p, err := newProbe(ctx, a, secret, cfg)
	if err != nil {
		return Report{}, err
	}
	p.run(false)
	p.checkDKIM()
	return p.report, nil
}

// FetchCertificate connects to the account's server only far enough to
// receive its certificate chain (leaf first), so the user can look at a
// self-signed or private certificate and choose to trust it (put its SHA256
// in Trust.PinnedSHA256, or its CA in Trust.CAPEM). The chain is returned
// whether or not it verifies; the connection is closed right after the
// handshake, before any password is sent.
func FetchCertificate(ctx context.Context, a Account, opts ...CheckOption) ([]CertificateInfo, error) {
	if a.Security == SecurityNone {
		return nil, fmt.Errorf("account %q does not use TLS, so there is no certificate to fetch", a.Label())
	}
	cfg, err := newCheckConfig(a, opts)
	if err != nil {
		return nil, err
	}
	p, err := newProbe(ctx, a, "", cfg)
	if err != nil {
		return nil, err
	}
	p.run(true)
	if certs := p.report.Certificates(); len(certs) > 0 {
		return certs, nil
	}
	if err := p.report.Err(); err != nil {
		return nil, err
	}
	return nil, errors.New("the server sent no certificate")
}

func newCheckConfig(a Account, opts []CheckOption) (checkConfig, error) {
	cfg := checkConfig{stepTimeout: DefaultStepTimeout}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return cfg, err
		}
	}
	probeable := a
	if probeable.FromAddress == "" {
		// --smtp accounts get their From address later; the server test
		// does not need it.
		probeable.FromAddress = "check@example.com"
	}
	return cfg, probeable.Validate()
}
