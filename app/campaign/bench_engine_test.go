//go:build linux

package campaign_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/app/merge"
	"mailroom/sender"
)

// benchColumns are the recipient table's columns; the templates below
// use all of them, so every message is rendered for its own row.
var benchColumns = []string{"邮箱", "姓名", "编号", "金额"}

// benchBody is a statement letter of about 4 KB once encoded, with merge
// fields at the top, in a paragraph and at the bottom.
var benchBody = "尊敬的{{姓名}}：\n\n" +
	"Dear {{姓名}},\n\nplease find your statement {{编号}} for March below. " +
	"The amount due is {{金额}} yuan.\n\n" +
	strings.Repeat("Item: office supplies, paper, toner and delivery; unit price, quantity, total.\n", 46) +
	"\n本月应付金额：{{金额}} 元。如有疑问请回复本邮件。\n\nStatement {{编号}} — thank you, {{姓名}}.\n"

// newBenchComposer parses the templates once, as a campaign does.
func newBenchComposer(b *testing.B) *merge.Composer {
	b.Helper()
	c, err := merge.New(benchColumns,
		merge.WithFrom("对账中心 <statements@example.com>"),
		merge.WithSubject("{{姓名}}，您的三月对账单 {{编号}}"),
		merge.WithBody(merge.FormatText, benchBody, ""))
	if err != nil {
		b.Fatal(err)
	}
	if p := c.Problems().Blocking(); len(p) > 0 {
		b.Fatalf("bench templates: %v", p)
	}
	return c
}

func benchAddress(i int) string { return fmt.Sprintf("customer%06d@example.org", i) }

func benchRow(i int) merge.Row {
	return merge.Row{Number: i + 2, Values: []string{
		benchAddress(i), fmt.Sprintf("张伟%d", i), fmt.Sprintf("ST-2025-03-%06d", i), fmt.Sprintf("%d.%02d", 100+i%9000, i%100),
	}}
}

// benchSource renders rows [from, to) lazily, one per Next, so that no
// more than the messages in flight exist at any time.
func benchSource(c *merge.Composer, from, to int) sender.Source {
	i := from
	return sender.SourceFunc(func(context.Context) (sender.Message, error) {
		if i >= to {
			return sender.Message{}, io.EOF
		}
		addr := benchAddress(i)
		m, err := c.Message(journal.RowKey(addr, 1), benchRow(i), []string{addr})
		i++
		return m, err
	})
}

// messageSize is the size of row 0's message as it goes over the wire.
func messageSize(b *testing.B, c *merge.Composer) int64 {
	b.Helper()
	m, err := c.Message("size", benchRow(0), []string{benchAddress(0)})
	if err != nil {
		b.Fatal(err)
	}
	n, err := m.Mail.WriteTo(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// benchJournal is a real journal file with one campaign of n rows,
// synced and with its run started, as `mailroom send --journal` has it
// when the first message goes out.
type benchJournal struct {
	dir string
	j   *journal.Journal
	run *journal.Run
}

func openBenchJournal(b *testing.B, n int) *benchJournal {
	b.Helper()
	dir := b.TempDir()
	j, err := journal.Open(filepath.Join(dir, journal.DefaultFileName))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	c, err := j.Campaign(journal.CampaignSpec{Key: "bench", Name: "bench", Account: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]journal.RowInput, n)
	for i := range rows {
		rows[i] = journal.RowInput{Number: i + 2, Address: benchAddress(i), Name: fmt.Sprintf("张伟%d", i)}
	}
	if _, err := j.Sync(c.ID, rows); err != nil {
		b.Fatal(err)
	}
	run, recovered, err := j.StartRun(c.ID)
	if err != nil {
		b.Fatal(err)
	}
	if len(recovered) > 0 {
		b.Fatalf("fresh journal recovered %d rows", len(recovered))
	}
	b.Cleanup(func() { run.Close() })
	return &benchJournal{dir: dir, j: j, run: run}
}

// newBenchEngine returns an engine writing through store to host:port
// without TLS. A failure fails the row at once (no retries) so that a
// broken setup shows as an error, not as a minute of backoff.
func newBenchEngine(b *testing.B, store sender.Store, host string, port, conns int) *sender.Engine {
	b.Helper()
	e, err := sender.New(store,
		sender.WithServer(host, port, sender.TLSNone),
		sender.WithConcurrency(conns),
		sender.WithRetries(0, sender.Backoff{Initial: time.Second, Max: time.Second}))
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// deliver runs the engine over rows [from, to) and returns how long it took.
func deliver(b *testing.B, e *sender.Engine, c *merge.Composer, from, to int) time.Duration {
	b.Helper()
	start := time.Now()
	sum, err := e.Run(context.Background(), benchSource(c, from, to))
	elapsed := time.Since(start)
	if err != nil || sum.Sent != to-from {
		b.Fatalf("rows %d–%d: sent %d, failed %d, unknown %d: %v", from, to, sum.Sent, sum.Failed, sum.Unknown, err)
	}
	return elapsed
}

// datasyncProbe measures the floor of one durable commit: a 128-byte
// overwrite in a preallocated file followed by fdatasync. Overwriting
// is the cheapest durable write (no file-size change to commit), so the
// ratio against it is the strictest one.
type datasyncProbe struct {
	f       *os.File
	record  []byte
	n       int
	elapsed time.Duration
}

const probeFileSize = 1 << 20

func newDatasyncProbe(b *testing.B, dir string) *datasyncProbe {
	b.Helper()
	f, err := os.CreateTemp(dir, "fdatasync-probe")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	if _, err := f.Write(make([]byte, probeFileSize)); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	return &datasyncProbe{f: f, record: make([]byte, 128)}
}

func (p *datasyncProbe) run(b *testing.B, n int) {
	start := time.Now()
	for range n {
		if _, err := p.f.WriteAt(p.record, int64(p.n*4096%probeFileSize)); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(p.f.Fd())); err != nil {
			b.Fatal(err)
		}
		p.n++
	}
	p.elapsed += time.Since(start)
}

func (p *datasyncProbe) rate() float64 { return float64(p.n) / p.elapsed.Seconds() }

// heapPeak samples the heap every millisecond while a run goes on.
// "objects" is every allocated object, garbage included (what the
// process actually holds); "live" is what the last GC found reachable.
// Both are reported above the level the run started at.
type heapPeak struct {
	stop, done    chan struct{}
	samples       []metrics.Sample
	base          [2]uint64
	objects, live uint64
}

// startHeapPeak collects garbage first so that the baseline is what the
// run starts with.
func startHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{}), samples: []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"},
	}}
	h.base[0], h.base[1] = h.read()
	h.objects, h.live = h.base[0], h.base[1]
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
			o, l := h.read()
			h.objects, h.live = max(h.objects, o), max(h.live, l)
		}
	}()
	return h
}

func (h *heapPeak) read() (objects, live uint64) {
	metrics.Read(h.samples)
	return h.samples[0].Value.Uint64(), h.samples[1].Value.Uint64()
}

// finish stops sampling and returns the peaks above the baseline.
func (h *heapPeak) finish() (objects, live uint64) {
	close(h.stop)
	<-h.done
	return h.objects - h.base[0], h.live - h.base[1]
}
