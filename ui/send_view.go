package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/msg"
)

// sendView runs the preflight, sets the sending options and delivers,
// showing progress with pause, resume and cancel.
type sendView struct {
	runner Runner
	doc    *document
	win    fyne.Window
	bridge *bridge
	// onFinished tells the history view that the journal changed.
	onFinished func(campaignID string)
	// onProblem takes the user to where a problem is fixed.
	onProblem func(Problem)
	last      Progress // the latest progress shown
	starting  bool     // Start is preparing the campaign

	problems                  []Problem
	checked                   bool
	run                       Delivery
	paused                    bool
	rate, dailyCap            *widget.Entry
	concurrency, retries      *widget.Entry
	skipInvalid               *widget.Check
	dryRun                    *widget.Check
	dryRunDir                 fyne.CanvasObject
	check, start, pause, stop *widget.Button
	problemList               *widget.List
	verdict                   *widget.Label
	bar                       *widget.ProgressBar
	counts, speed             *widget.Label
	progress                  *fyne.Container
	paths                     []boundPath
	content                   fyne.CanvasObject
	loading                   bool
	// resumeStop cancels the automatic continuation after a provider's
	// limit; nil when none is scheduled.
	resumeStop chan struct{}
	// schedule is the start time, sending hours and pauses (send_schedule.go).
	schedule *sendSchedule
	// split puts the options (scrolled) above the controls and problems.
	split         *container.Split
	optionsScroll *container.Scroll
}

func newSendView(runner Runner, doc *document, win fyne.Window, b *bridge) *sendView {
	v := &sendView{runner: runner, doc: doc, win: win, bridge: b}
	v.rate = v.boundEntry(&doc.c.Rate)
	v.rate.SetPlaceHolder(lang.L("e.g. 30/min; empty uses the account's limits"))
	v.dailyCap, v.concurrency, v.retries = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.dailyCap.SetPlaceHolder(lang.L("no limit"))
	v.concurrency.SetPlaceHolder("1")
	v.retries.SetPlaceHolder(lang.L("default"))
	for _, e := range []*widget.Entry{v.dailyCap, v.concurrency, v.retries} {
		e.OnChanged = func(string) { v.readNumbers(false) }
	}
	v.skipInvalid = widget.NewCheck(lang.L("Skip rows with blocking problems and report them"), func(on bool) {
		if !v.loading {
			v.doc.c.SkipInvalid = on
			v.doc.changed()
			v.showVerdict()
		}
	})
	v.dryRun = widget.NewCheck(lang.L("Dry run: write the messages as .eml files into a folder, send nothing"), v.setDryRun)
	v.dryRunDir = v.pathEntry(&doc.c.DryRun, lang.L("folder for the .eml files"), "")
	v.check = widget.NewButtonWithIcon(lang.L("Check"), theme.SearchIcon(), v.preflight)
	v.start = widget.NewButtonWithIcon(lang.L("Start sending"), theme.MailSendIcon(), v.confirmStart)
	v.start.Importance = widget.HighImportance
	v.start.Disable()
	v.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), v.togglePause)
	v.stop = widget.NewButtonWithIcon(lang.L("Cancel"), theme.MediaStopIcon(), v.confirmCancel)
	v.pause.Disable()
	v.stop.Disable()
	v.problemList = widget.NewList(
		func() int { return len(v.problems) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(problemLine(v.problems[i])) })
	v.problemList.OnSelected = func(i widget.ListItemID) {
		v.problemList.UnselectAll()
		if v.onProblem != nil && i < len(v.problems) {
			v.onProblem(v.problems[i])
		}
	}
	v.verdict = widget.NewLabel(lang.L("Check the campaign before sending."))
	v.verdict.Wrapping = fyne.TextWrapWord
	v.bar = widget.NewProgressBar()
	v.counts = widget.NewLabel("")
	v.speed = widget.NewLabel("")

	options := widget.NewForm(
		widget.NewFormItem(lang.L("Sending rate"), v.rate),
		widget.NewFormItem(lang.L("Daily limit"), v.dailyCap),
		widget.NewFormItem(lang.L("Connections"), v.concurrency),
		widget.NewFormItem(lang.L("Retries"), v.retries),
		widget.NewFormItem("", v.skipInvalid),
		widget.NewFormItem("", container.NewVBox(v.dryRun, v.dryRunDir)),
		widget.NewFormItem(lang.L("Report file"), v.pathEntry(&doc.c.Report, lang.L("optional: per-row report, .xlsx or .csv"), "report.xlsx")),
		widget.NewFormItem(lang.L("Workbook with results"), v.pathEntry(&doc.c.Results, lang.L("optional: a copy of the list with status columns"), "results.xlsx")),
		widget.NewFormItem(lang.L("Archive folder"), v.pathEntry(&doc.c.Archive, lang.L("optional: keep every sent message as .eml"), "")),
	)
	v.schedule = newSendSchedule(doc, b, runner, v.waitingForStart)
	controls := container.NewHBox(v.check, v.start, v.pause, v.stop)
	v.progress = container.NewVBox(v.bar, v.counts, v.speed)
	v.progress.Hide() // until the first run starts
	// The options and the schedule scroll in their own pane, so that an
	// opened schedule leaves the controls, the countdown, the progress and
	// the problems their room at 800×600; the user can drag the split.
	status := container.NewVBox(v.schedule.countdownRow, controls, v.progress, v.verdict)
	v.optionsScroll = container.NewVScroll(container.NewVBox(options, v.schedule.section))
	v.split = container.NewVSplit(v.optionsScroll, container.NewBorder(status, nil, nil, nil, v.problemList))
	v.split.Offset = optionsShare
	v.content = v.split
	doc.onReplaced(v.showCampaign)
	doc.onList(v.invalidate)
	v.showCampaign()
	return v
}

func (v *sendView) boundEntry(dst *string) *widget.Entry {
	e := widget.NewEntry()
	e.OnChanged = func(s string) {
		if !v.loading {
			*dst = strings.TrimSpace(s)
			v.doc.changed()
		}
	}
	return e
}

// pathEntry edits an optional output path; fileName "" asks for a folder.
func (v *sendView) pathEntry(dst *string, hint, fileName string) fyne.CanvasObject {
	e := v.boundEntry(dst)
	e.SetPlaceHolder(hint)
	v.paths = append(v.paths, boundPath{e, dst})
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		if fileName == "" {
			askFolder(v.win, func(path string) { e.SetText(path) })
			return
		}
		askSavePath(v.win, fileName, nil, func(path string) { e.SetText(path) })
	})
	return container.NewBorder(nil, nil, nil, browse, e)
}

// optionsShare is the options' part of the page's height.
const optionsShare = 0.45

type boundPath struct {
	entry *widget.Entry
	dst   *string
}

func (v *sendView) showCampaign() {
	v.cancelResume() // another campaign: the pending continuation was for the old one
	v.loading = true
	defer func() { v.loading = false }()
	for _, p := range v.paths {
		p.entry.SetText(*p.dst)
	}
	c := v.doc.c
	v.rate.SetText(c.Rate)
	v.dailyCap.SetText(intText(c.DailyCap))
	v.concurrency.SetText(intText(c.Concurrency))
	v.retries.SetText("")
	if c.Retries != nil {
		v.retries.SetText(strconv.Itoa(*c.Retries))
	}
	v.skipInvalid.SetChecked(c.SkipInvalid)
	v.dryRun.SetChecked(c.DryRun != "")
	v.showDryRunDir()
	if v.run == nil {
		// Another campaign: nothing of the previous run stays on screen.
		v.progress.Hide()
		v.bar.SetValue(0)
		v.counts.SetText("")
		v.speed.SetText("")
	}
	v.schedule.load()
	v.invalidate()
}

// setDryRun turns the dry run on (into a folder next to the campaign) or
// off.
func (v *sendView) setDryRun(on bool) {
	if v.loading {
		return
	}
	dir := ""
	if on {
		dir = defaultDryRunDir(v.doc)
	}
	for _, p := range v.paths {
		if p.dst == &v.doc.c.DryRun {
			p.entry.SetText(dir)
		}
	}
	v.doc.c.DryRun = dir
	v.doc.changed()
	v.showDryRunDir()
}

func (v *sendView) showDryRunDir() {
	if v.doc.c.DryRun != "" {
		v.dryRunDir.Show()
	} else {
		v.dryRunDir.Hide()
	}
}

// defaultDryRunDir is a folder the user finds again: next to the campaign
// file, else in their home folder.
func defaultDryRunDir(d *document) string {
	name := d.displayName()
	if name == "" {
		name = "Mailroom"
	}
	base := filepath.Dir(d.path)
	if d.path == "" {
		if home, err := os.UserHomeDir(); err == nil {
			base = home
		}
	}
	return filepath.Join(base, fileSafeName(name)+" "+lang.L("dry run"))
}

// invalidate forgets the last check: anything edited must be checked again
// before it can be sent.
func (v *sendView) invalidate() {
	v.schedule.stopWaiting() // the countdown was for what was checked
	v.checked = false
	v.problems = nil
	v.problemList.Refresh()
	if v.run == nil {
		v.start.Disable()
		v.verdict.SetText(lang.L("Check the campaign before sending."))
	}
}

// readNumbers copies the numeric options into the campaign; with report
// set, the first bad one is shown to the user.
func (v *sendView) readNumbers(report bool) bool {
	if v.loading {
		return true
	}
	c := &v.doc.c
	fields := []struct {
		label string
		entry *widget.Entry
	}{{lang.L("Daily limit"), v.dailyCap}, {lang.L("Connections"), v.concurrency}, {lang.L("Retries"), v.retries}}
	values := make([]int, len(fields))
	for i, f := range fields {
		n, err := parseCount(strings.TrimSpace(f.entry.Text))
		if err != nil {
			if report {
				showError(fieldError(f.label, lang.L("enter a whole number, or leave it empty")), v.win)
			}
			return false
		}
		values[i] = n
	}
	c.DailyCap, c.Concurrency = values[0], values[1]
	c.Retries = nil
	if strings.TrimSpace(v.retries.Text) != "" {
		c.Retries = &values[2]
	}
	v.doc.changed()
	return true
}

// preflight runs the same checks as `mailroom check` in the background.
func (v *sendView) preflight() {
	if !v.readNumbers(true) {
		return
	}
	v.check.Disable()
	v.verdict.SetText(lang.L("Checking…"))
	d := v.doc.draft()
	v.bridge.run(func() func() {
		problems, err := v.runner.Preflight(context.Background(), d)
		return func() {
			v.check.Enable()
			if err != nil {
				v.verdict.SetText("✗ " + sayErr(err))
				return
			}
			v.problems, v.checked = problems, true
			v.problemList.Refresh()
			v.showVerdict()
		}
	})
}

func (v *sendView) showVerdict() {
	if !v.checked || v.run != nil {
		return
	}
	blocking, campaignWide := 0, 0
	for _, p := range v.problems {
		if p.Blocking {
			blocking++
			if p.Row == 0 {
				campaignWide++
			}
		}
	}
	warnings := len(v.problems) - blocking
	switch {
	case campaignWide > 0:
		// Skipping rows cannot fix a missing account, subject or body.
		v.verdict.SetText(lang.L("{{.Blocking}} blocking problems and {{.Warnings}} warnings: fix them before sending.", map[string]any{"Blocking": blocking, "Warnings": warnings}))
		v.start.Disable()
	case blocking > 0 && !v.doc.c.SkipInvalid:
		v.verdict.SetText(lang.L("{{.Blocking}} blocking problems and {{.Warnings}} warnings: fix them, or skip those rows.", map[string]any{"Blocking": blocking, "Warnings": warnings}))
		v.start.Disable()
	case blocking > 0:
		v.verdict.SetText(lang.L("{{.Blocking}} rows with blocking problems will be skipped; {{.Warnings}} warnings.", map[string]any{"Blocking": blocking, "Warnings": warnings}))
		v.start.Enable()
	default:
		v.verdict.SetText(lang.L("Ready to send; {{.Warnings}} warnings.", map[string]any{"Warnings": warnings}))
		v.start.Enable()
	}
}

func (v *sendView) confirmStart() {
	ready := 0
	if v.doc.list != nil {
		ready = v.doc.list.Count(RowReady)
	}
	question := lang.L("Send one message to each of the {{.Count}} ready rows now?", map[string]any{"Count": ready})
	if q := v.schedule.confirmQuestion(ready); q != "" {
		question = q
	}
	if dir := v.doc.c.DryRun; dir != "" {
		question = lang.L("Write the {{.Count}} messages as .eml files into {{.Folder}}? Nothing is sent.", map[string]any{"Count": ready, "Folder": dir})
	}
	dialog.ShowConfirm(lang.L("Start sending"), question,
		func(ok bool) {
			if ok {
				v.startRun()
			}
		}, v.win)
}

// progressEveryUI spaces the progress updates of a run: four a second read
// as live, and the window is not repainted for every message.
const progressEveryUI = 250 * time.Millisecond

// startRun starts delivery. Starting prepares the campaign, which reads
// the whole list (seconds for 100,000 rows), so it runs off the UI
// goroutine; the controls say so meanwhile.
func (v *sendView) startRun() {
	v.cancelResume()
	if v.schedule.waitForStart(v.startRun) {
		return // it calls startRun again at the start time
	}
	v.starting = true
	v.check.Disable()
	v.start.Disable()
	v.verdict.SetText(lang.L("Starting…"))
	progress := newLatestEvery(v.bridge, progressEveryUI, v.showProgress)
	d := v.doc.draft()
	v.bridge.run(func() func() {
		r, err := v.runner.Start(context.Background(), d, progress.post)
		return func() {
			v.starting = false
			if err != nil {
				v.check.Enable()
				v.verdict.SetText("✗ " + sayErr(err))
				// In the window's language when app/ worded it (a sign-in to renew).
				showError(err, v.win)
				return
			}
			v.running(r)
		}
	})
}

// running shows a run that has started and waits for its end.
func (v *sendView) running(r Delivery) {
	v.run, v.paused = r, false
	v.bar.SetValue(0)
	v.counts.SetText("")
	v.speed.SetText("")
	v.progress.Show()
	v.check.Disable()
	v.start.Disable()
	v.pause.Enable()
	v.stop.Enable()
	v.pause.SetText(lang.L("Pause"))
	v.verdict.SetText(lang.L("Sending…"))
	v.bridge.run(func() func() {
		final, err := r.Wait()
		return func() { v.finished(final, err) }
	})
}

func (v *sendView) showProgress(p Progress) {
	v.last = p
	done := p.Sent + p.Failed + p.Unknown + p.Skipped
	if p.Total > 0 {
		v.bar.SetValue(float64(done) / float64(p.Total))
	}
	v.counts.SetText(lang.L("Sent {{.Sent}}, failed {{.Failed}}, unknown {{.Unknown}}, skipped {{.Skipped}}, waiting {{.Pending}}", map[string]any{
		"Sent": p.Sent, "Failed": p.Failed, "Unknown": p.Unknown, "Skipped": p.Skipped, "Pending": p.Pending}))
	var speed []string
	if p.PerMinute > 0 {
		speed = append(speed, lang.L("{{.Rate}} per minute", map[string]any{"Rate": fmt.Sprintf("%.1f", p.PerMinute)}))
	}
	if p.ETA > 0 && !p.Paused {
		speed = append(speed, lang.L("about {{.Left}} left", map[string]any{"Left": say(msg.Duration(p.ETA))}))
	}
	if why := holdText(p); why != "" {
		speed = append(speed, why)
	} else if !p.ResumesAt.IsZero() {
		speed = append(speed, lang.L("provider limit reached: resumes at {{.Time}}", map[string]any{"Time": p.ResumesAt.Local().Format("15:04")}))
	}
	if p.LastAddress != "" {
		speed = append(speed, p.LastAddress+": "+p.LastReply)
	}
	v.speed.SetText(strings.Join(speed, " · "))
	v.showEnginePause(p)
}

func (v *sendView) togglePause() {
	if v.run == nil {
		return
	}
	if v.paused {
		v.run.Resume()
		v.pause.SetText(lang.L("Pause"))
		v.pause.SetIcon(theme.MediaPauseIcon())
		v.verdict.SetText(lang.L("Sending…"))
	} else {
		v.run.Pause()
		v.pause.SetText(lang.L("Resume"))
		v.pause.SetIcon(theme.MediaPlayIcon())
		v.verdict.SetText(lang.L("Paused. Messages already handed to the server finish first."))
	}
	v.paused = !v.paused
}

func (v *sendView) confirmCancel() {
	dialog.ShowConfirm(lang.L("Cancel sending"),
		lang.L("Stop the run? Rows not sent yet stay waiting and are sent by the next run."),
		func(ok bool) {
			if ok && v.run != nil {
				v.run.Cancel()
				v.stop.Disable()
			}
		}, v.win)
}

// busy reports whether a send is starting or in progress, for the close
// prompt.
func (v *sendView) busy() bool { return v.run != nil || v.starting }

func (v *sendView) finished(p Progress, err error) {
	v.run = nil
	releaseMemory() // the run's plan and engine are gone
	v.showProgress(p)
	v.check.Enable()
	v.pause.Disable()
	v.stop.Disable()
	v.checked = false
	switch {
	case err != nil:
		v.verdict.SetText("✗ " + sayErr(err))
	case p.DryRunDir != "":
		v.verdict.SetText(lang.L("Dry run finished: {{.Count}} messages written to {{.Folder}}. Nothing was sent.", map[string]any{"Count": p.Sent, "Folder": p.DryRunDir}))
		openFolder(p.DryRunDir)
	case p.Unknown > 0:
		v.verdict.SetText(lang.L("Finished. {{.Unknown}} messages may or may not have arrived: decide in History whether to mark them sent or send them again.", map[string]any{"Unknown": p.Unknown}))
	case p.Pending > 0 && !p.ResumesAt.IsZero():
		v.verdict.SetText(resumeVerdict(p))
		v.scheduleResume(p.ResumesAt)
	case p.Pending > 0:
		v.verdict.SetText(lang.L("Stopped with {{.Pending}} rows still waiting; the next run sends them.", map[string]any{"Pending": p.Pending}))
	default:
		v.verdict.SetText(lang.L("Finished: {{.Sent}} sent, {{.Failed}} failed.", map[string]any{"Sent": p.Sent, "Failed": p.Failed}))
	}
	if v.onFinished != nil {
		v.onFinished(p.CampaignID)
	}
}

// scheduleResume continues a run stopped by the provider's limit at the
// time the provider allows again, unless the user starts, cancels or
// switches campaigns first.
func (v *sendView) scheduleResume(at time.Time) {
	v.cancelResume()
	stop := make(chan struct{})
	v.resumeStop = stop
	v.bridge.run(func() func() {
		timer := time.NewTimer(time.Until(at))
		defer timer.Stop()
		select {
		case <-timer.C:
			return func() {
				if v.resumeStop == stop && !v.busy() {
					v.resumeStop = nil
					v.startRun()
				}
			}
		case <-stop:
			return nil
		}
	})
}

func (v *sendView) cancelResume() {
	if v.resumeStop != nil {
		close(v.resumeStop)
		v.resumeStop = nil
	}
}

// openFolder shows a folder in the system's file manager.
func openFolder(dir string) {
	if a := fyne.CurrentApp(); a != nil {
		if u, err := url.Parse(storage.NewFileURI(dir).String()); err == nil {
			_ = a.OpenURL(u)
		}
	}
}
