package sender

import (
	"errors"
	"testing"
	"time"

	"mailroom/sender/smtptest"
)

func tlsEngine(t *testing.T, srv *smtptest.Server, mode TLSMode, opts ...Option) *Engine {
	t.Helper()
	base := []Option{WithServer("127.0.0.1", srv.Port(), mode), WithClock(newFakeClock()), WithTimeouts(5*time.Second, 5*time.Second)}
	e, err := New(newMemStore(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestTLSModes(t *testing.T) {
	tests := []struct {
		name   string
		server []smtptest.Option
		mode   TLSMode
		withCA bool
		want   error
	}{
		{"STARTTLS with the CA", []smtptest.Option{smtptest.WithRequireTLS()}, TLSStartTLS, true, nil},
		{"implicit TLS with the CA", []smtptest.Option{smtptest.WithTLS(smtptest.TLSImplicit)}, TLSImplicit, true, nil},
		{"STARTTLS without the CA", []smtptest.Option{smtptest.WithTLS(smtptest.TLSStartTLS)}, TLSStartTLS, false, ErrTLS},
		{"implicit TLS without the CA", []smtptest.Option{smtptest.WithTLS(smtptest.TLSImplicit)}, TLSImplicit, false, ErrTLS},
		{"STARTTLS required, server has none", nil, TLSStartTLS, true, ErrTLS},
		{"expired certificate", []smtptest.Option{smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithExpiredCertificate()}, TLSImplicit, true, ErrTLS},
		{"wrong host", []smtptest.Option{smtptest.WithTLS(smtptest.TLSImplicit), smtptest.WithCertificateHosts("mail.example.net")}, TLSImplicit, true, ErrTLS},
		{"implicit TLS to a plain server", nil, TLSImplicit, true, ErrTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, append(tt.server, smtptest.WithAuth("user", "secret"))...)
			opts := []Option{WithAuth("user", "secret", AuthAuto)}
			if tt.withCA {
				opts = append(opts, WithCA(srv.CAPEM()))
			}
			if tt.name == "STARTTLS required, server has none" {
				// A server without TLS offers AUTH in the clear; the
				// engine must refuse before getting that far.
				srv = smtptest.Start(t)
				opts = opts[1:]
			}
			e := tlsEngine(t, srv, tt.mode, opts...)
			sum, err := runAll(t, e, messages(t, 2))
			if tt.want == nil {
				if err != nil || srv.Count() != 2 || !srv.Messages()[0].TLS {
					t.Fatalf("err %v, sent %d", err, srv.Count())
				}
				return
			}
			wantStop(t, err, tt.want)
			if srv.Count() != 0 || sum.Pending != 1 { // the row in hand; the next was never read
				t.Fatalf("sent %d, pending %d", srv.Count(), sum.Pending)
			}
		})
	}
}

func TestCAFileOption(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithTLS(smtptest.TLSImplicit))
	e := tlsEngine(t, srv, TLSImplicit, WithCAFile(srv.CAFile()))
	if _, err := runAll(t, e, messages(t, 1)); err != nil || srv.Count() != 1 {
		t.Fatalf("err %v, sent %d", err, srv.Count())
	}
	if _, err := New(newMemStore(), WithServer("x", 0, TLSImplicit), WithCAFile(t.TempDir()+"/none.pem")); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("missing CA file: %v", err)
	}
}

func TestPlaintextAuthOnlyToLoopback(t *testing.T) {
	for host, ok := range map[string]bool{"127.0.0.1": true, "localhost": true, "::1": true, "smtp.example.com": false, "192.168.1.10": false} {
		_, err := New(newMemStore(), WithServer(host, 25, TLSNone), WithAuth("u", "p", AuthAuto))
		if ok && err != nil {
			t.Errorf("%s: %v", host, err)
		}
		if !ok && !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: AUTH without TLS accepted (%v)", host, err)
		}
	}
	if _, err := New(newMemStore(), WithServer("smtp.example.com", 25, TLSNone)); err != nil {
		t.Errorf("no AUTH without TLS to a remote relay: %v", err)
	}
}
