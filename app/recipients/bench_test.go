package recipients

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mailroom/app/recipients/booktest"
)

// benchDir holds generated workbooks for the whole test process, so every
// run of a benchmark (Go calls it several times) reuses the same file.
var (
	benchDir     string
	benchDirOnce sync.Once
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(suppressChildEnv); spec != "" {
		os.Exit(suppressChild(spec))
	}
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// sharedStringsBook returns a rows × 10 workbook whose text cells use the
// shared string table, as Excel writes them (booktest.WriteList).
func sharedStringsBook(b *testing.B, rows int) string {
	b.Helper()
	benchDirOnce.Do(func() {
		var err error
		if benchDir, err = os.MkdirTemp("", "mailroom-recipients-bench-"); err != nil {
			b.Fatal(err)
		}
	})
	path, err := booktest.CachedList(benchDir, rows)
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// peakHeap samples live heap bytes while fn runs; the peak above the
// starting level is what the reader needed.
func peakHeap(fn func() error) (elapsed, cpu time.Duration, peak uint64, err error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var max uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > max {
				max = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	start, startCPU := time.Now(), cpuTime()
	err = fn()
	elapsed, cpu = time.Since(start), cpuTime()-startCPU
	close(done)
	wg.Wait()
	if max < base {
		return elapsed, cpu, 0, err
	}
	return elapsed, cpu, max - base, err
}

// bareRowsLoop is the floor: excelize's own streaming iterator with
// formatted values and nothing else.
func bareRowsLoop(path string) (int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return n, err
		}
		if len(cols) > 0 {
			n++
		}
	}
	return n, rows.Close()
}

func importAll(path string) (int, error) {
	r, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for r.Next() {
		if r.Row().Values[1] == "" {
			return n, fmt.Errorf("row %d lost its address", r.Row().Number)
		}
		n++
	}
	return n + 1, r.Err() // + the header row, which the bare loop counts
}

// BenchmarkRecipientsImport100k compares importing a 100,000 × 10
// shared-strings workbook with a bare excelize Rows loop over the same
// file. Each op runs both importRounds times, alternating which goes
// first, and the ratios use the fastest run of each: other processes can
// only slow a run down, so the minimum is the least noisy estimate on a
// shared machine; CPU time (cpu-ratio) is reported too because it varies
// far less under load. Targets: time-ratio ≤ 1.15, mem-ratio ≤ 1.2.
func BenchmarkRecipientsImport100k(b *testing.B) {
	benchImport(b, 100_000)
}

// BenchmarkRecipientsImportMaxRows imports a sheet at Excel's row limit;
// it takes minutes, so it runs only with MAILROOM_BENCH_MAXROWS=1.
func BenchmarkRecipientsImportMaxRows(b *testing.B) {
	if os.Getenv("MAILROOM_BENCH_MAXROWS") == "" {
		b.Skip("set MAILROOM_BENCH_MAXROWS=1 to import 1,048,576 rows")
	}
	benchImport(b, excelize.TotalRows-1)
}

const importRounds = 3

func benchImport(b *testing.B, rows int) {
	path := sharedStringsBook(b, rows)
	type best struct {
		wall, cpu time.Duration
		peak      uint64
	}
	bare := best{wall: 1 << 62, cpu: 1 << 62}
	imp := bare
	run := func(fn func(string) (int, error), m *best) {
		var n int
		t, cpu, p, err := peakHeap(func() (err error) { n, err = fn(path); return err })
		if err != nil {
			b.Fatal(err)
		}
		if n != rows+1 {
			b.Fatalf("saw %d rows, want %d", n, rows+1)
		}
		m.wall, m.cpu, m.peak = min(m.wall, t), min(m.cpu, cpu), max(m.peak, p)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for round := 0; round < importRounds; round++ {
			if round%2 == 0 {
				run(bareRowsLoop, &bare)
				run(importAll, &imp)
			} else {
				run(importAll, &imp)
				run(bareRowsLoop, &bare)
			}
		}
	}
	b.ReportMetric(bare.wall.Seconds()*1000, "bare-ms")
	b.ReportMetric(imp.wall.Seconds()*1000, "import-ms")
	b.ReportMetric(float64(imp.wall)/float64(bare.wall), "time-ratio")
	b.ReportMetric(bare.cpu.Seconds()*1000, "bare-cpu-ms")
	b.ReportMetric(imp.cpu.Seconds()*1000, "import-cpu-ms")
	b.ReportMetric(float64(imp.cpu)/float64(max(bare.cpu, 1)), "cpu-ratio")
	b.ReportMetric(float64(bare.peak)/(1<<20), "bare-peak-MB")
	b.ReportMetric(float64(imp.peak)/(1<<20), "import-peak-MB")
	b.ReportMetric(float64(imp.peak)/float64(max(bare.peak, 1)), "mem-ratio")
}

// BenchmarkRecipientsFirst100Rows measures how long the window waits for
// the first 100 rows of the 100,000-row workbook, next to the same wait
// with a bare excelize Rows loop (most of it is excelize opening the file
// and loading the shared strings).
func BenchmarkRecipientsFirst100Rows(b *testing.B) {
	path := sharedStringsBook(b, 100_000)
	var bare, ours time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := bareFirstRows(path, 101); err != nil {
			b.Fatal(err)
		}
		bare += time.Since(start)
		start = time.Now()
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 100; j++ {
			if !r.Next() {
				b.Fatalf("only %d rows", j)
			}
		}
		r.Close()
		ours += time.Since(start)
	}
	b.ReportMetric(float64(bare.Milliseconds())/float64(b.N), "bare-ms-to-100-rows")
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "ms-to-100-rows")
}

func bareFirstRows(path string, n int) error {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		return err
	}
	for i := 0; i < n && rows.Next(); i++ {
		if _, err := rows.Columns(); err != nil {
			return err
		}
	}
	return rows.Close()
}

// BenchmarkRecipientsCSV100k imports the same data as a UTF-8 CSV.
func BenchmarkRecipientsCSV100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "list.csv")
	var sb strings.Builder
	sb.WriteString("姓名,Email,城市,公司,手机,Status,备注,等级,订单,年份\r\n")
	for r := 2; r <= 100_001; r++ {
		sb.WriteString(strings.Join(booktest.ListRow(r), ","))
		sb.WriteString("\r\n")
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := importAll(path)
		if err != nil || n != 100_001 {
			b.Fatal(n, err)
		}
	}
}
