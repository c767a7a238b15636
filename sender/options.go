package sender

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// TLSMode is how the connection to the server is protected.
type TLSMode int

// The supported TLS modes. Certificates are always verified.
const (
	// TLSStartTLS connects in plaintext and requires STARTTLS before
	// anything else (port 587). A server without STARTTLS is refused.
	TLSStartTLS TLSMode = iota + 1
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit
	// TLSNone sends everything in plaintext. AUTH over it is only allowed
	// to a loopback address (a local relay or a test server).
	TLSNone
)

func (m TLSMode) String() string {
	switch m {
	case TLSStartTLS:
		return "STARTTLS"
	case TLSImplicit:
		return "implicit TLS"
	case TLSNone:
		return "no TLS"
	}
	return "invalid TLS mode"
}

// AuthMechanism selects the SASL mechanism used to log in.
type AuthMechanism string

// The supported mechanisms. AuthAuto picks PLAIN, then LOGIN, then
// CRAM-MD5 among those the server offers.
const (
	AuthAuto    AuthMechanism = ""
	AuthPlain   AuthMechanism = "PLAIN"
	AuthLogin   AuthMechanism = "LOGIN"
	AuthCRAMMD5 AuthMechanism = "CRAM-MD5"
	// AuthXOAuth2 sends the password as an OAuth2 bearer token.
	AuthXOAuth2 AuthMechanism = "XOAUTH2"
)

// Rate is N messages per Per, smoothed: messages are spaced Per/N apart
// after an initial burst of Burst messages (default 1).
type Rate struct {
	N     int
	Per   time.Duration
	Burst int
}

// interval is the spacing between messages at this rate.
func (r Rate) interval() time.Duration { return r.Per / time.Duration(r.N) }

func (r Rate) String() string {
	unit := r.Per.String()
	switch r.Per {
	case time.Second:
		unit = "s"
	case time.Minute:
		unit = "min"
	case time.Hour:
		unit = "h"
	}
	return strconv.Itoa(r.N) + "/" + unit
}

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("sender: invalid configuration")

// ParseRate parses "N/s", "N/min" or "N/h" (also "N/sec", "N/m", "N/hour").
func ParseRate(s string) (Rate, error) {
	// Chinese input methods type a full-width slash, and people write the
	// unit the way they say it: 30/分钟, 2/秒, 500/小时, 30封/分钟.
	num, unit, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), "／", "/"), "/")
	num = strings.TrimSpace(num)
	for _, word := range []string{"封", "条", "个"} {
		num = strings.TrimSpace(strings.TrimSuffix(num, word))
	}
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 {
		return Rate{}, fmt.Errorf("%w: rate %q: want a positive number of messages per unit, e.g. 20/min", ErrInvalidConfig, s)
	}
	var per time.Duration
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "s", "sec", "second", "seconds", "秒", "秒钟":
		per = time.Second
	case "m", "min", "minute", "minutes", "分", "分钟":
		per = time.Minute
	case "h", "hr", "hour", "hours", "时", "小时":
		per = time.Hour
	default:
		return Rate{}, fmt.Errorf("%w: rate %q: unit must be s, min or h", ErrInvalidConfig, s)
	}
	return Rate{N: n, Per: per}, nil
}

// Backoff is the wait before retry k (1-based): Initial·2^(k-1), at most Max.
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
}

func (b Backoff) delay(retry int) time.Duration {
	d := b.Initial
	for i := 1; i < retry && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Option configures an Engine.
type Option func(*config) error

type config struct {
	host        string
	port        int
	tlsMode     TLSMode
	extraCAs    []*x509.Certificate
	tlsConf     *tls.Config
	username    string
	credential  Credential
	renewable   bool // credential came from WithCredential
	mechanism   AuthMechanism
	helo        string
	concurrency int
	rate        Rate
	dailyCap    int
	retries     int
	backoff     Backoff
	cmdTimeout  time.Duration
	dataTimeout time.Duration
	clock       Clock
	progress    func(Progress)
	throttle    Throttle
	delay       Delay
	random      func(int64) int64
	schedule    Schedule
	spike       int
	spikePause  bool
}

func defaultConfig() config {
	return config{
		helo:        "localhost",
		concurrency: 1,
		retries:     3,
		backoff:     Backoff{Initial: time.Minute, Max: 15 * time.Minute},
		cmdTimeout:  time.Minute,
		dataTimeout: 5 * time.Minute,
		clock:       realClock{},
		throttle:    defaultThrottle,
		spike:       DefaultErrorSpike,
	}
}

// WithServer sets the SMTP server (required). port 0 picks the mode's
// usual port: 587 for STARTTLS, 465 for implicit TLS, 25 for none.
func WithServer(host string, port int, mode TLSMode) Option {
	return func(c *config) error {
		if strings.TrimSpace(host) == "" {
			return fmt.Errorf("%w: empty server host", ErrInvalidConfig)
		}
		if port < 0 || port > 65535 {
			return fmt.Errorf("%w: port %d out of range", ErrInvalidConfig, port)
		}
		if mode < TLSStartTLS || mode > TLSNone {
			return fmt.Errorf("%w: unknown TLS mode %d", ErrInvalidConfig, mode)
		}
		if port == 0 {
			port = map[TLSMode]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[mode]
		}
		c.host, c.port, c.tlsMode = host, port, mode
		return nil
	}
}

// WithAuth logs in with username and password. The password stays in
// memory only; the engine never logs or prints it.
func WithAuth(username, password string, mech AuthMechanism) Option {
	return func(c *config) error {
		if err := checkAuth(username, mech); err != nil {
			return err
		}
		c.username, c.mechanism, c.renewable = username, mech, false
		c.credential = func(context.Context, string) (string, error) { return password, nil }
		return nil
	}
}

func checkAuth(username string, mech AuthMechanism) error {
	if username == "" {
		return fmt.Errorf("%w: empty username", ErrInvalidConfig)
	}
	switch mech {
	case AuthAuto, AuthPlain, AuthLogin, AuthCRAMMD5, AuthXOAuth2:
		return nil
	}
	return fmt.Errorf("%w: unsupported AUTH mechanism %q", ErrInvalidConfig, string(mech))
}

// WithTLSConfig replaces the engine's TLS settings, for callers that
// already built them (an account's private CA or a certificate the user
// pinned after seeing its fingerprint). It must verify certificates:
// InsecureSkipVerify is refused.
func WithTLSConfig(conf *tls.Config) Option {
	return func(c *config) error {
		if conf == nil || conf.InsecureSkipVerify && conf.VerifyConnection == nil && conf.VerifyPeerCertificate == nil {
			return fmt.Errorf("%w: a TLS configuration must verify certificates", ErrInvalidConfig)
		}
		c.tlsConf = conf
		return nil
	}
}

// WithCA also trusts the CA certificates in pemData (in addition to the
// system's), e.g. a company's private CA.
func WithCA(pemData []byte) Option {
	return func(c *config) error {
		n := 0
		for block, rest := pem.Decode(pemData); block != nil; block, rest = pem.Decode(rest) {
			if block.Type != "CERTIFICATE" {
				continue
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return fmt.Errorf("%w: CA certificate: %v", ErrInvalidConfig, err)
			}
			c.extraCAs = append(c.extraCAs, cert)
			n++
		}
		if n == 0 {
			return fmt.Errorf("%w: no PEM certificate found in the CA data", ErrInvalidConfig)
		}
		return nil
	}
}

// WithCAFile is WithCA reading the PEM file at path.
func WithCAFile(path string) Option {
	return func(c *config) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%w: CA file: %v", ErrInvalidConfig, err)
		}
		if err := WithCA(data)(c); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
}

// WithHELO sets the name sent in EHLO (default "localhost", so that the
// machine's host name is not disclosed). The sender's domain is a good
// choice.
func WithHELO(name string) Option {
	return func(c *config) error {
		if name == "" || strings.ContainsAny(name, " \r\n") {
			return fmt.Errorf("%w: HELO name %q", ErrInvalidConfig, name)
		}
		c.helo = name
		return nil
	}
}

// WithConcurrency sets the number of connections (default 1, at most 32).
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 32 {
			return fmt.Errorf("%w: concurrency %d: want 1 to 32", ErrInvalidConfig, n)
		}
		c.concurrency = n
		return nil
	}
}

// WithRate limits how fast messages start, across all connections.
func WithRate(r Rate) Option {
	return func(c *config) error {
		if r.N <= 0 || r.Per <= 0 || r.Burst < 0 {
			return fmt.Errorf("%w: rate %d per %s", ErrInvalidConfig, r.N, r.Per)
		}
		if r.Burst == 0 {
			r.Burst = 1
		}
		c.rate = r
		return nil
	}
}

// WithDailyCap stops the run before more than n messages were sent in
// any 24 hours, counting earlier runs through Store.SentSince.
func WithDailyCap(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: daily cap %d: want at least 1", ErrInvalidConfig, n)
		}
		c.dailyCap = n
		return nil
	}
}

// WithRetries sets how often a temporary failure is retried (default 3)
// and the backoff between attempts (default, and when b is the zero
// Backoff: 1 min doubling to 15 min).
func WithRetries(n int, b Backoff) Option {
	return func(c *config) error {
		if n < 0 || n > 100 {
			return fmt.Errorf("%w: retries %d: want 0 to 100", ErrInvalidConfig, n)
		}
		c.retries = n
		if b == (Backoff{}) { // the zero Backoff keeps the default
			return nil
		}
		if b.Initial <= 0 || b.Max < b.Initial {
			return fmt.Errorf("%w: backoff %s..%s", ErrInvalidConfig, b.Initial, b.Max)
		}
		c.backoff = b
		return nil
	}
}

// WithTimeouts sets the limit for connecting and for each command
// (default 1 min), and for the reply to the final "." (default 5 min).
// When the latter expires the message's outcome is unknown.
func WithTimeouts(command, finalReply time.Duration) Option {
	return func(c *config) error {
		if command <= 0 || finalReply <= 0 {
			return fmt.Errorf("%w: timeouts must be positive", ErrInvalidConfig)
		}
		c.cmdTimeout, c.dataTimeout = command, finalReply
		return nil
	}
}

// WithClock replaces the wall clock used for rate limiting, backoff and
// the daily cap (tests).
func WithClock(clk Clock) Option {
	return func(c *config) error {
		if clk == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidConfig)
		}
		c.clock = clk
		return nil
	}
}

// WithProgress calls fn with progress snapshots from a separate goroutine.
// A slow fn never delays delivery: snapshots it has not taken yet are
// replaced by newer ones.
func WithProgress(fn func(Progress)) Option {
	return func(c *config) error {
		c.progress = fn
		return nil
	}
}

func (c *config) validate() error {
	if c.host == "" {
		return fmt.Errorf("%w: no server (use WithServer)", ErrInvalidConfig)
	}
	if c.tlsMode == TLSNone && c.username != "" && !isLoopback(c.host) {
		return fmt.Errorf("%w: %s is not a loopback address: refusing to send the password without TLS; use STARTTLS or implicit TLS", ErrInvalidConfig, c.host)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Clock is the engine's source of time; tests inject a fake one.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
