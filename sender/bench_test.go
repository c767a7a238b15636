package sender

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail"

	"mailroom/sender/smtptest"
)

// nopStore is a Store without durability, so the benchmarks measure the
// engine and SMTP alone; the journal's cost is measured by its own
// benchmarks.
type nopStore struct{}

func (nopStore) MarkSending(string, string, string) error { return nil }
func (nopStore) MarkDone(Result) error                    { return nil }
func (nopStore) SentSince(time.Time) (int, error)         { return 0, nil }

// benchBody makes a message of about 4 KB with headers.
var benchBody = strings.Repeat("Dear customer, please find your statement for March below. ", 60)

// benchSource renders n personalised messages lazily, as a campaign does.
func benchSource(n int) Source {
	i := 0
	return SourceFunc(func(context.Context) (Message, error) {
		if i == n {
			return Message{}, io.EOF
		}
		i++
		m := mail.NewMsg(mail.WithNoDefaultUserAgent())
		_ = m.From("Sender <sender@example.com>")
		addr := fmt.Sprintf("customer%06d@example.org", i)
		_ = m.To(addr)
		m.Subject("Your statement")
		m.SetBodyString(mail.TypeTextPlain, benchBody)
		id := fmt.Sprintf("%d.bench@example.com", i)
		m.SetMessageIDWithValue(id)
		return Message{Key: addr, Mail: m, MessageID: id}, nil
	})
}

func benchmarkSend(b *testing.B, conns int) {
	srv, err := smtptest.New(smtptest.WithoutBodies())
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	e, err := New(nopStore{}, WithServer(srv.Host(), srv.Port(), TLSNone), WithConcurrency(conns))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := e.Run(context.Background(), benchSource(b.N))
	b.StopTimer()
	if err != nil || sum.Sent != b.N {
		b.Fatalf("sent %d of %d: %v", sum.Sent, b.N, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSend1Conn delivers ~4 KB messages over one loopback connection.
func BenchmarkSend1Conn(b *testing.B) { benchmarkSend(b, 1) }

// BenchmarkSend4Conns delivers ~4 KB messages over four connections.
func BenchmarkSend4Conns(b *testing.B) { benchmarkSend(b, 4) }
