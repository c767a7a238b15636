package ui

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The tour drives the real window by itself, for `make screenshots` and
// the window benchmarks (`make bench`): MAILROOM_TOUR names what to do and
// where to write the results. It is the same binary and the same code
// paths a user's clicks take (the tour calls what the buttons call), under
// Xvfb, with the pictures read back from the window's own canvas.
//
//	MAILROOM_TOUR=screenshots:DIR  the sample campaign, page by page, as PNGs
//	MAILROOM_TOUR=bench:FILE        open the last campaign, time its first
//	                                rows, send it, measure the UI goroutine
//	MAILROOM_TOUR_SIZE=1366x768     window size
//	MAILROOM_TOUR_THEME=dark|light
const tourEnv = "MAILROOM_TOUR"

// startTour runs the tour named in the environment, if any, on its own
// goroutine; the window closes when it ends.
func (m *mainWindow) startTour() {
	spec := os.Getenv(tourEnv)
	if spec == "" {
		return
	}
	kind, target, _ := strings.Cut(spec, ":")
	if w, h, ok := parseSize(os.Getenv("MAILROOM_TOUR_SIZE")); ok {
		m.win.Resize(fyne.NewSize(w, h))
	}
	t := &tour{m: m, target: target, in: bufio.NewReader(os.Stdin)}
	go func() {
		var err error
		switch kind {
		case "screenshots":
			err = t.screenshots()
		case "bench":
			err = t.bench()
		default:
			err = fmt.Errorf("unknown tour %q", kind)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "tour:", err)
		}
		fyne.Do(func() { m.win.Close() })
	}()
}

func parseSize(s string) (float32, float32, bool) {
	ws, hs, ok := strings.Cut(s, "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	return float32(w), float32(h), ok && err1 == nil && err2 == nil
}

type tour struct {
	m      *mainWindow
	target string
	in     *bufio.Reader
}

// do runs f on the UI goroutine and waits for it.
func (t *tour) do(f func()) {
	done := make(chan struct{})
	fyne.Do(func() {
		defer close(done)
		f()
	})
	<-done
}

// until polls cond on the UI goroutine until it holds or limit passes.
func (t *tour) until(limit time.Duration, cond func() bool) bool {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		ok := false
		t.do(func() { ok = cond() })
		if ok {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// shot has the window photographed as it is on screen: the tour prints
// "tour-shot PATH" and waits for a line on its standard input, which the
// screenshot driver sends once it has captured the X screen. (Fyne's
// Canvas.Capture reads back an empty buffer under Xvfb's software GL.)
func (t *tour) shot(name string) error {
	// Animations and the debounced preview settle, and the window is
	// painted afresh before the picture.
	time.Sleep(800 * time.Millisecond)
	t.do(func() { t.m.win.Content().Refresh() })
	time.Sleep(700 * time.Millisecond)
	// The window's size goes with each picture: a page that makes the
	// window grow shows up in the log of the screenshot run.
	var size fyne.Size
	t.do(func() { size = t.m.win.Canvas().Size() })
	fmt.Fprintf(os.Stderr, "tour: %s at %.0f×%.0f\n", name, size.Width, size.Height)
	fmt.Println("tour-shot " + filepath.Join(t.target, name+".png"))
	_, err := t.in.ReadString('\n')
	return err
}

// screenshots walks through the sample campaign: welcome, account,
// recipients with problems, compose with preview, sending, summary,
// history.
func (t *tour) screenshots() error {
	if err := os.MkdirAll(t.target, 0o755); err != nil {
		return err
	}
	m := t.m
	t.until(5*time.Second, func() bool { return m.win.Content() != nil })
	if err := t.shot("1-welcome"); err != nil {
		return err
	}
	t.do(func() {
		m.leaveWelcome()
		m.showPage(m.accountsTab)
		if m.accounts != nil && len(m.accounts.preset.Options) > 1 {
			m.accounts.preset.SetSelectedIndex(1)
			m.accounts.fromAddress.SetText("zhang.wei@qq.com")
			m.accounts.fromName.SetText("张伟")
		}
	})
	if err := t.shot("2-account"); err != nil {
		return err
	}
	// The sample as the welcome page opens it, with two rows a user
	// typically gets wrong, so the recipients page has problems to show.
	path, err := installSample(filepath.Join(m.deps.DataDir, sampleFolder))
	if err != nil {
		return err
	}
	list := filepath.Join(filepath.Dir(path), "customers.csv")
	if data, err := os.ReadFile(list); err == nil && !strings.Contains(string(data), "qq.con") {
		data = append(data, []byte("赵磊,zhao.lei@qq.con,300.00,,2027-01-10\n王芳,wang.fang@example.com,12.00,,2027-01-05\n")...)
		if err := os.WriteFile(list, data, 0o644); err != nil {
			return err
		}
	}
	t.do(func() {
		if err := m.open(path); err != nil {
			fmt.Fprintln(os.Stderr, "tour:", err)
		}
		m.showPage(m.recipientsTab)
	})
	t.until(20*time.Second, func() bool { return m.doc.list != nil })
	if err := t.shot("3-recipients"); err != nil {
		return err
	}
	t.do(func() { m.recipients.tabs.Select(m.recipients.problemsTab) })
	if err := t.shot("3-recipients-problems"); err != nil {
		return err
	}
	t.do(func() { m.showPage(m.composeTab) })
	t.until(10*time.Second, func() bool { return len(m.compose.preview.body.Segments) > 0 })
	if err := t.shot("4-compose"); err != nil {
		return err
	}
	// The attachments open below the body (the light theme once left
	// them dark; at 800×600 they once squeezed the body to nothing).
	t.do(func() { m.compose.attachments.Open(0) })
	if err := t.shot("4-compose-attachments"); err != nil {
		return err
	}
	t.do(func() { m.compose.attachments.Close(0) })
	// Send to the local test server of `make screenshots`
	// (MAILROOM_TOUR_SMTP) at a pace the progress shows.
	// Without one, the sample runs as a first-time user runs it: a dry
	// run into a folder.
	t.do(func() {
		m.showPage(m.sendTab)
		if smtp := os.Getenv("MAILROOM_TOUR_SMTP"); smtp != "" {
			m.send.dryRun.SetChecked(false)
			m.doc.c.SMTP = smtp
		} else {
			m.send.dryRun.SetChecked(true)
		}
		m.send.rate.SetText("20/min")
		m.send.skipInvalid.SetChecked(true)
		m.send.preflight()
	})
	t.until(20*time.Second, func() bool { return m.send.checked })
	if err := t.shot("5-check"); err != nil {
		return err
	}
	if err := t.schedule(); err != nil {
		return err
	}
	t.do(m.send.startRun)
	time.Sleep(4 * time.Second)
	if err := t.shot("6-sending"); err != nil {
		return err
	}
	t.until(60*time.Second, func() bool { return !m.send.busy() })
	if err := t.shot("7-summary"); err != nil {
		return err
	}
	t.do(func() { m.send.tabs.Select(m.send.logTab) })
	if err := t.shot("7-log"); err != nil {
		return err
	}
	t.do(func() {
		m.send.log.filters.SetSelected(logSkipped.label())
		if len(m.send.log.shown) > 0 {
			m.send.log.table.Select(widget.TableCellID{Row: 0, Col: 3})
		}
	})
	if err := t.shot("7-log-skipped"); err != nil {
		return err
	}
	t.do(func() {
		m.showPage(m.historyTab)
		m.history.reload()
	})
	t.until(10*time.Second, func() bool { return len(m.history.rows) > 0 })
	if err := t.shot("8-history"); err != nil {
		return err
	}
	// A row's detail: the skipped row the sample's wrong address made.
	t.do(func() {
		m.history.table.Select(widget.TableCellID{Row: len(m.history.rows) - 1, Col: 0})
	})
	return t.shot("8-history-detail")
}

// schedule photographs the Send page's "Schedule and pace" section
// filled in (weekdays 09:00–18:00, a pause of 30–120 s) and a scheduled
// start counting down, then cancels the countdown and clears the fields
// so that the tour's send goes at once.
func (t *tour) schedule() error {
	m := t.m
	t.do(func() {
		m.doc.c.Hours, m.doc.c.Delay = "Mon-Fri 09:00-18:00", "30-120"
		m.doc.c.StartAt = time.Now().Add(90 * time.Minute).Format("2006-01-02 15:04")
		m.send.schedule.load()
		m.send.schedule.accordion.Open(0)
		m.send.optionsScroll.ScrollToBottom()
	})
	if err := t.shot("5-schedule"); err != nil {
		return err
	}
	dryRun := false
	t.do(func() { dryRun = m.doc.c.DryRun != "" })
	// A dry run ignores the start time (it sends nothing): starting it
	// here would run it at once, before the tour's own run.
	if !dryRun {
		t.do(func() {
			m.send.schedule.accordion.Close(0)
			m.send.startRun() // counts down to the start time
		})
		if err := t.shot("5-countdown"); err != nil {
			return err
		}
	}
	t.do(func() {
		m.send.schedule.accordion.Close(0)
		m.send.schedule.stopWaiting()
		m.doc.c.Hours, m.doc.c.Delay, m.doc.c.StartAt = "", "", ""
		m.send.schedule.load()
	})
	return nil
}

// benchResult is what the bench tour measures, written as JSON.
type benchResult struct {
	FirstRowsMS  float64 `json:"first_rows_ms"`
	ListMS       float64 `json:"list_ms"`
	Rows         int     `json:"rows"`
	Sent         int     `json:"sent"`
	Failed       int     `json:"failed"`
	Unknown      int     `json:"unknown"`
	Verdict      string  `json:"verdict"`
	SendMS       float64 `json:"send_ms"`
	MaxUIDelayMS float64 `json:"max_ui_delay_ms"`
	UIOver50     int     `json:"ui_delays_over_50ms"`
	UISamples    int     `json:"ui_samples"`
	// The same on the idle window before the send.
	IdleMaxUIDelayMS float64 `json:"idle_max_ui_delay_ms"`
	IdleUIOver50     int     `json:"idle_ui_delays_over_50ms"`
	IdleUISamples    int     `json:"idle_ui_samples"`
	// RSS after the list was read, and after it was read a second time
	// (replacing the first), each once memory was given back.
	ListRSSMB    float64 `json:"list_rss_mb"`
	ReplaceRSSMB float64 `json:"replace_rss_mb"`
}

// bench opens the last campaign (restore did), measures how long the
// first rows and the whole list take to appear, then sends it with the
// UI goroutine probed every 10 ms: a probe that waits more than 50 ms
// means a callback held the UI goroutine that long.
func (t *tour) bench() error {
	m := t.m
	var r benchResult
	start := time.Now()
	if !t.until(5*time.Minute, func() bool { return m.recipients.shown != nil && len(m.recipients.shown.Rows) > 0 }) {
		return fmt.Errorf("no rows appeared")
	}
	r.FirstRowsMS = ms(time.Since(start))
	if !t.until(10*time.Minute, func() bool { return m.doc.list != nil }) {
		return fmt.Errorf("the list was not read")
	}
	r.ListMS = ms(time.Since(start))
	t.do(func() { r.Rows = len(m.doc.list.Rows) })
	r.ListRSSMB = settledRSS()
	if os.Getenv("MAILROOM_TOUR_REPLACE") != "" {
		t.do(func() {
			m.doc.setList(nil)
			m.recipients.importList()
		})
		t.until(10*time.Minute, func() bool { return m.doc.list != nil })
		r.ReplaceRSSMB = settledRSS()
	}
	if os.Getenv("MAILROOM_TOUR_SEND") != "" {
		t.do(func() {
			m.showPage(m.sendTab)
			m.send.preflight()
		})
		if !t.until(10*time.Minute, func() bool { return m.send.checked }) {
			return fmt.Errorf("the check did not finish")
		}
		// A baseline: the same probe on the idle window with the list, so
		// painting (software GL) and the machine's load can be told from
		// the send's own work.
		idle := startUIProbe()
		time.Sleep(10 * time.Second)
		r.IdleMaxUIDelayMS, r.IdleUIOver50, r.IdleUISamples = idle.stop()
		probe := startUIProbe()
		sendStart := time.Now()
		t.do(m.send.startRun)
		t.until(30*time.Minute, func() bool { return !m.send.busy() })
		r.SendMS = ms(time.Since(sendStart))
		r.MaxUIDelayMS, r.UIOver50, r.UISamples = probe.stop()
		t.do(func() {
			r.Sent, r.Failed, r.Unknown = m.send.last.Sent, m.send.last.Failed, m.send.last.Unknown
			r.Verdict = m.send.verdict.Text
		})
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return os.WriteFile(t.target, data, 0o644)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// settledRSS is the resident memory once what was freed went back to the
// system (Linux; 0 elsewhere).
func settledRSS() float64 {
	time.Sleep(time.Second)
	debug.FreeOSMemory()
	time.Sleep(2 * time.Second)
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// uiProbe posts a no-op to the UI goroutine every 10 ms and records how
// long each waited to run.
type uiProbe struct {
	done   chan struct{}
	result chan [3]float64
}

func startUIProbe() *uiProbe {
	p := &uiProbe{done: make(chan struct{}), result: make(chan [3]float64, 1)}
	go func() {
		var worst time.Duration
		over, samples := 0, 0
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				p.result <- [3]float64{ms(worst), float64(over), float64(samples)}
				return
			case <-tick.C:
				posted := time.Now()
				ran := make(chan time.Duration, 1)
				fyne.Do(func() { ran <- time.Since(posted) })
				wait := <-ran
				samples++
				worst = max(worst, wait)
				if wait > 50*time.Millisecond {
					over++
				}
			}
		}
	}()
	return p
}

func (p *uiProbe) stop() (maxMS float64, over, samples int) {
	close(p.done)
	r := <-p.result
	return r[0], int(r[1]), int(r[2])
}
