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
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"mailroom/app/journal"
	"mailroom/app/merge"
	"mailroom/app/recipients"
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
	strings.Repeat("Item: office supplies, paper, toner and delivery; unit price, quantity, total.\n", 33) +
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
		m, err := c.Message(recipients.RowKey([]string{addr}, 1), benchRow(i), []string{addr})
		i++
		return m, err
	})
}

// timedStore passes every call to the real journal and adds up the
// time spent in it, so that the benchmarks can say where a message's
// time goes. The engine calls it from its workers concurrently.
type timedStore struct {
	sender.Store
	sending, done atomic.Int64 // nanoseconds
}

func (s *timedStore) MarkSending(key, messageID, hash string) error {
	start := time.Now()
	err := s.Store.MarkSending(key, messageID, hash)
	s.sending.Add(int64(time.Since(start)))
	return err
}

func (s *timedStore) MarkDone(r sender.Result) error {
	start := time.Now()
	err := s.Store.MarkDone(r)
	s.done.Add(int64(time.Since(start)))
	return err
}

// timedSource adds up the time spent rendering messages.
type timedSource struct {
	sender.Source
	rendering *atomic.Int64
}

func (s timedSource) Next(ctx context.Context) (sender.Message, error) {
	start := time.Now()
	m, err := s.Source.Next(ctx)
	s.rendering.Add(int64(time.Since(start)))
	return m, err
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
		rows[i] = journal.RowInput{Key: recipients.RowKey([]string{benchAddress(i)}, 1), Number: i + 2, Address: benchAddress(i), Name: fmt.Sprintf("张伟%d", i)}
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
	return &benchJournal{dir: dir, run: run}
}

// benchRun is one campaign on its way out: a fresh journal, an engine
// writing through it, and the time spent journaling and rendering.
type benchRun struct {
	dir       string
	store     *timedStore
	rendering atomic.Int64 // nanoseconds
	engine    *sender.Engine
	composer  *merge.Composer
}

// newBenchRun prepares rows messages for host:port over conns
// connections without TLS. A failure fails the row at once (no retries)
// so that a broken setup shows as an error, not as minutes of backoff.
func newBenchRun(b *testing.B, c *merge.Composer, rows int, host string, port, conns int) *benchRun {
	b.Helper()
	bj := openBenchJournal(b, rows)
	r := &benchRun{dir: bj.dir, store: &timedStore{Store: bj.run}, composer: c}
	e, err := sender.New(r.store,
		sender.WithServer(host, port, sender.TLSNone),
		sender.WithConcurrency(conns),
		sender.WithRetries(0, sender.Backoff{Initial: time.Second, Max: time.Second}))
	if err != nil {
		b.Fatal(err)
	}
	r.engine = e
	return r
}

// deliver sends rows [from, to) and returns how long it took.
func (r *benchRun) deliver(b *testing.B, from, to int) time.Duration {
	b.Helper()
	start := time.Now()
	sum, err := r.engine.Run(context.Background(), timedSource{benchSource(r.composer, from, to), &r.rendering})
	elapsed := time.Since(start)
	if err != nil || sum.Sent != to-from {
		b.Fatalf("rows %d–%d: sent %d, failed %d, unknown %d: %v", from, to, sum.Sent, sum.Failed, sum.Unknown, err)
	}
	return elapsed
}

// reportBreakdown reports the mean time per message spent in each
// journal call and in rendering (summed over connections, so with
// several connections they overlap each other and the network).
func (r *benchRun) reportBreakdown(b *testing.B, msgs int) {
	perMsg := func(ns int64) float64 { return float64(ns) / float64(msgs) / 1e6 }
	b.ReportMetric(perMsg(r.store.sending.Load()), "marksending-ms/msg")
	b.ReportMetric(perMsg(r.store.done.Load()), "markdone-ms/msg")
	b.ReportMetric(perMsg(r.rendering.Load()), "render-ms/msg")
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
