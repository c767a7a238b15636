package journal

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mailroom/sender"
)

// probeSize is the preallocated probe file: overwriting blocks already
// allocated is what SQLite's write-ahead log does once it has wrapped
// around, and it is the cheapest durable write the disk offers (an
// append also commits the file's new size).
const probeSize = 1 << 20

// datasyncProbe writes a 128-byte record and fdatasyncs it, either
// appending or overwriting in a preallocated file: the floor cost of
// one durable commit.
type datasyncProbe struct {
	f       *os.File
	append  bool
	record  []byte
	n       int
	elapsed time.Duration
}

func newDatasyncProbe(tb testing.TB, dir string, append bool) *datasyncProbe {
	tb.Helper()
	f, err := os.CreateTemp(dir, "datasync.probe")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	if !append {
		if _, err := f.Write(make([]byte, probeSize)); err != nil {
			tb.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			tb.Fatal(err)
		}
	}
	return &datasyncProbe{f: f, append: append, record: make([]byte, 128)}
}

func (p *datasyncProbe) run(tb testing.TB, n int) {
	start := time.Now()
	for range n {
		var err error
		if p.append {
			_, err = p.f.Write(p.record)
		} else {
			_, err = p.f.WriteAt(p.record, int64(p.n*4096%probeSize))
		}
		if err == nil {
			err = datasync(p.f)
		}
		if err != nil {
			tb.Fatal(err)
		}
		p.n++
	}
	p.elapsed += time.Since(start)
}

func (p *datasyncProbe) rate() float64 { return float64(p.n) / p.elapsed.Seconds() }

// BenchmarkFdatasync is the machine's raw rate of durable small writes,
// one write + fdatasync per op, appending and overwriting.
func BenchmarkFdatasync(b *testing.B) {
	for _, mode := range []struct {
		name   string
		append bool
	}{{"append", true}, {"overwrite", false}} {
		b.Run(mode.name, func(b *testing.B) {
			probe := newDatasyncProbe(b, b.TempDir(), mode.append)
			b.ResetTimer()
			probe.run(b, b.N)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}

// BenchmarkJournalOneWriter is one engine connection: MarkSending then
// MarkDone per op, the MarkDone riding along with the next commit.
func BenchmarkJournalOneWriter(b *testing.B) { benchJournal(b, 1) }

// BenchmarkJournalFourWriters is four engine connections sharing commits.
func BenchmarkJournalFourWriters(b *testing.B) { benchJournal(b, 4) }

// benchJournal runs MarkSending+MarkDone pairs with the given number of
// workers. The disk's speed drifts (other programs share it), so the
// fdatasync floor (overwrite, the faster kind) is measured in slices
// between slices of journal work, with the timer stopped, and the ratio
// compares the two over the same stretch of time.
func benchJournal(b *testing.B, writers int) {
	const slice = 64
	dir := b.TempDir()
	probe := newDatasyncProbe(b, dir, false)
	j, err := Open(filepath.Join(dir, "journal.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	c, err := j.Campaign(CampaignSpec{Key: "bench", Account: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	res, err := j.Sync(c.ID, numberedRows(b.N))
	if err != nil {
		b.Fatal(err)
	}
	run, _, err := j.StartRun(c.ID)
	if err != nil {
		b.Fatal(err)
	}
	defer run.Close()
	commits := j.w.commits.Load()
	b.ResetTimer()
	for from := 0; from < b.N; from += slice {
		to := min(from+slice, b.N)
		var next atomic.Int64
		next.Store(int64(from))
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= to {
						return
					}
					key := res.Rows[i].Key
					if err := run.MarkSending(key, "m", "h"); err != nil {
						b.Error(err)
						return
					}
					if err := run.MarkDone(sender.Result{Key: key, Outcome: sender.OutcomeSent,
						Reply: "250 2.0.0 Ok: queued", Code: 250, Attempts: 1}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		probe.run(b, to-from)
		b.StartTimer()
	}
	b.StopTimer()
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "ops/s")
	b.ReportMetric(probe.rate(), "fdatasync/s")
	b.ReportMetric(rate/probe.rate(), "journal/fdatasync")
	b.ReportMetric(float64(j.w.commits.Load()-commits)/float64(b.N), "commits/op")
}
