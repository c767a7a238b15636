package sentfolder_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"mailroom/app/sentfolder/imaptest"
)

// BenchmarkAppend measures one copy of a 20 KB message into the Sent
// folder over an open TLS connection to the in-process server on
// loopback: the cost the campaign run pays per sent message, minus the
// network distance to a real provider.
func BenchmarkAppend(b *testing.B) {
	srv, err := imaptest.New(user, password, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := openForBench(srv)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	raw := append(message(1), bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n"), 270)...)
	ctx := context.Background()
	now := time.Now()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Append(ctx, raw, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen measures connecting, TLS, login and finding the Sent
// folder: paid once per campaign run.
func BenchmarkOpen(b *testing.B) {
	srv, err := imaptest.New(user, password, imaptest.WithFolder("Sent", imap.MailboxAttrSent))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		c, err := openForBench(srv)
		if err != nil {
			b.Fatal(err)
		}
		_ = c.Close()
	}
}
