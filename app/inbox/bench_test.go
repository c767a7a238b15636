package inbox

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkScan10000 is one pass over a mailbox of 10,000 new messages,
// mostly ordinary office mail with one in ten a bounce, reply, automatic
// reply or unsubscribe request (the fixtures in turn): headers and body
// structures of all, the report parts of the bounces.
// The in-process server runs in the same process, so B/op includes its
// side of every FETCH.
func BenchmarkScan10000(b *testing.B) {
	srv := startServer(b)
	names := make([]string, 0, len(fixtures))
	for name := range fixtures {
		names = append(names, name)
	}
	sort.Strings(names)
	kinds := make([][]byte, 0, len(names))
	for _, name := range names {
		kinds = append(kinds, readFixture(b, name))
	}
	const n = 10000
	at := campaignStart.Add(time.Hour)
	for i := 0; i < n; i++ {
		var raw []byte
		if i%10 == 0 { // one in ten is something the campaign caused
			raw = kinds[(i/10)%len(kinds)]
		} else {
			raw = []byte(fmt.Sprintf("From: colleague%d@example.com\r\nTo: %s\r\nSubject: Weekly report %d\r\n"+
				"Message-ID: <office-%d@example.com>\r\nDate: Mon, 3 Mar 2025 09:00:00 +0800\r\nMIME-Version: 1.0\r\n"+
				"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", i, testUser, i, i, "Figures attached, see you Monday. 本周报告见附件。"))
		}
		if _, err := srv.Deliver("INBOX", raw, at); err != nil {
			b.Fatal(err)
		}
	}
	s := dial(b, srv)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var res Result
	for b.Loop() {
		var err error
		res, err = Scan(ctx, s, campaignStart, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if res.Read != n {
		b.Fatalf("read %d, want %d", res.Read, n)
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "msgs/s")
	b.ReportMetric(float64(len(res.Findings)), "findings")
}
