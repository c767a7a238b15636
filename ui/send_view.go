package ui

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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
	// onProgress tells it during a run (it refreshes at its own pace).
	onProgress func(campaignID string)
	// onDecide takes the user to the campaign's unknown rows in History.
	onDecide func(campaignID string)
	// onProblem takes the user to where a problem is fixed.
	onProblem func(Problem)
	// rows acts on a run's rows (retry, export); nil hides those actions.
	rows History
	// savePath asks where to save a file (a dialog; tests answer it).
	savePath func(fileName string, exts []string, use func(path string))

	problems []Problem
	checked  bool
	// due is what a run would send now, from the last check; nil when
	// not known.
	due      *Due
	run      Delivery
	starting bool // Runner.Start is under way
	paused   bool
	// pausedToAsk is set while a question (cancel, quit) holds the run.
	pausedToAsk               bool
	last                      Progress // the latest progress shown
	logRead                   int      // entries of the run's log already shown
	rate, dailyCap            *widget.Entry
	concurrency, retries      *widget.Entry
	skipInvalid               *widget.Check
	dryRun                    *widget.Check
	dryRunDir                 fyne.CanvasObject
	check, start, pause, stop *widget.Button
	problemList               *widget.List
	verdict, estimate         *widget.Label
	bar                       *widget.ProgressBar
	counts, runCounts, speed  *widget.Label
	progress                  *fyne.Container
	log                       *sendLog
	tabs                      *container.AppTabs
	problemsTab, logTab       *container.TabItem
	summary                   *runSummary
	paths                     []boundPath
	content                   fyne.CanvasObject
	loading                   bool
	// resumeStop cancels the automatic continuation after a provider's
	// limit; nil when none is scheduled.
	resumeStop chan struct{}
	// schedule is the start time, sending hours and pauses (send_schedule.go).
	schedule *sendSchedule
	// split puts the options (scrolled) above the controls, the problems
	// and the log.
	split         *container.Split
	optionsScroll *container.Scroll
}

func newSendView(runner Runner, doc *document, win fyne.Window, b *bridge) *sendView {
	v := &sendView{runner: runner, doc: doc, win: win, bridge: b}
	v.savePath = func(name string, exts []string, use func(string)) { askSavePath(win, name, exts, use) }
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
	v.problemList = newWrappedList(func() int { return len(v.problems) }, func(i int) (string, string) { return problemMark(v.problems[i]) })
	v.problemList.OnSelected = func(i widget.ListItemID) {
		v.problemList.UnselectAll()
		if v.onProblem != nil && i < len(v.problems) {
			v.onProblem(v.problems[i])
		}
	}
	v.verdict = widget.NewLabel(lang.L("Check the campaign before sending."))
	v.verdict.Wrapping = fyne.TextWrapWord
	v.estimate = widget.NewLabel("")
	v.estimate.Wrapping = fyne.TextWrapWord
	v.estimate.Hide()
	v.bar = widget.NewProgressBar()
	v.counts = widget.NewLabel("")
	v.counts.Wrapping = fyne.TextWrapWord
	v.runCounts = widget.NewLabel("")
	v.runCounts.Wrapping = fyne.TextWrapWord
	v.speed = widget.NewLabel("")
	v.speed.Wrapping = fyne.TextWrapWord
	v.log = newSendLog()
	v.log.onRetry, v.log.onExport = v.retryRows, v.exportRows
	v.summary = newRunSummary(v)

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
	v.progress = container.NewVBox(v.bar, v.counts, v.runCounts, v.speed)
	v.progress.Hide() // until the first run starts
	v.problemsTab = container.NewTabItem(lang.L("Problems"), v.problemList)
	v.logTab = container.NewTabItem(lang.L("Sending log"), v.log.content)
	v.tabs = container.NewAppTabs(v.problemsTab, v.logTab)
	// The options and the schedule scroll in their own pane, so that an
	// opened schedule leaves the controls, the countdown, the progress and
	// the log their room at 800×600; the user can drag the split.
	status := container.NewVBox(v.verdict, v.estimate, v.progress, v.summary.content)
	v.optionsScroll = container.NewVScroll(container.NewVBox(options, v.schedule.section))
	running := container.NewBorder(container.NewVBox(v.schedule.countdownRow, controls), nil, nil, nil, newShareTop(status, v.tabs, statusShare))
	v.split = container.NewVSplit(v.optionsScroll, running)
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

type boundPath struct {
	entry *widget.Entry
	dst   *string
}

// optionsShare is the options' part of the page's height before a run;
// during and after one the log gets the room (runningOptionsShare).
const (
	optionsShare        = 0.45 // the schedule section opens in it
	runningOptionsShare = 0.12
)

// statusShare is the most of the run's pane the status (verdict,
// progress, summary) takes above the problems and the log; beyond it the
// status scrolls. At 800×600 a larger share left the log two rows.
const statusShare = 0.45

func (v *sendView) showCampaign() {
	v.cancelResume() // another campaign: the pending continuation was for the old one
	if v.run == nil {
		v.split.SetOffset(optionsShare)
	}
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
	if v.run == nil && !v.starting {
		// Another campaign: nothing of the previous run stays on screen.
		v.progress.Hide()
		v.bar.SetValue(0)
		setLine(v.counts, "")
		setLine(v.runCounts, "")
		setLine(v.speed, "")
		v.summary.hide()
		v.log.reset()
		v.logRead = 0
		v.last = Progress{}
		v.tabs.Select(v.problemsTab)
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
	v.verdict.Show()         // hidden while a finished run's summary says it all
	v.schedule.stopWaiting() // the countdown was for what was checked
	v.checked = false
	v.due = nil
	v.problems = nil
	v.problemList.Refresh()
	v.problemsTab.Text = lang.L("Problems")
	v.tabs.Refresh()
	v.estimate.Hide()
	if v.run == nil && !v.starting {
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

// preflight runs the same checks as `mailroom check` in the background,
// then counts what a run would send now; then, if given, runs next on
// the UI goroutine (a retry asks to start once the check is done).
func (v *sendView) preflight() { v.preflightThen(nil) }

func (v *sendView) preflightThen(next func()) {
	if !v.readNumbers(true) {
		return
	}
	v.check.Disable()
	v.start.Disable()
	v.verdict.Show()
	v.verdict.SetText(lang.L("Checking…"))
	d := v.doc.draft()
	v.bridge.run(func() func() {
		ctx := context.Background()
		problems, err := v.runner.Preflight(ctx, d)
		var due Due
		if err == nil {
			due, err = v.runner.Due(ctx, d)
		}
		return func() {
			if v.run == nil && !v.starting {
				v.check.Enable()
			}
			if err != nil {
				v.verdict.SetText("✗ " + sayErr(err))
				return
			}
			v.problems, v.checked, v.due = problems, true, &due
			v.problemList.Refresh()
			v.problemsTab.Text = lang.L("Problems ({{.Count}})", map[string]any{"Count": len(problems)})
			v.tabs.Refresh()
			if len(problems) > 0 && v.run == nil {
				v.tabs.Select(v.problemsTab)
			}
			v.showVerdict()
			if next != nil && !v.start.Disabled() {
				next()
			}
		}
	})
}

func (v *sendView) showVerdict() {
	if !v.checked || v.run != nil || v.starting {
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
	v.estimate.Hide()
	switch {
	case campaignWide > 0:
		// Skipping rows cannot fix a missing account, subject or body.
		v.verdict.SetText(lang.L("Blocking problems: {{.Blocking}}; warnings: {{.Warnings}}. Fix them before sending.", map[string]any{"Blocking": blocking, "Warnings": warnings}))
		v.start.Disable()
		return
	case blocking > 0 && !v.doc.c.SkipInvalid:
		v.verdict.SetText(lang.L("Blocking problems: {{.Blocking}}; warnings: {{.Warnings}}. Fix them, or skip those rows.", map[string]any{"Blocking": blocking, "Warnings": warnings}))
		v.start.Disable()
		return
	case blocking > 0:
		v.verdict.SetText(lang.L("Rows with blocking problems, to be skipped: {{.Blocking}}; warnings: {{.Warnings}}.", map[string]any{"Blocking": blocking, "Warnings": warnings}))
	case warnings == 0:
		v.verdict.SetText(lang.L("Ready to send."))
	default:
		v.verdict.SetText(lang.L("Ready to send; warnings: {{.Warnings}}.", map[string]any{"Warnings": warnings}))
	}
	if v.due != nil && v.due.Now == 0 {
		v.verdict.SetText(nothingToSend(*v.due))
		v.start.Disable()
		return
	}
	if v.due != nil {
		v.estimate.SetText(dueLine(*v.due, v.doc.c.DryRun))
		v.estimate.Show()
	}
	v.start.Enable()
}

// dueLine says what a run sends now and how long it takes; a dry run
// (dryRun is its folder) sends nothing and writes files at once, so it
// says that instead of a pace.
func dueLine(d Due, dryRun string) string {
	var line string
	switch {
	case dryRun != "" && d.Now == 1:
		line = lang.L("1 message will be written as an .eml file into {{.Folder}}; nothing is sent.", map[string]any{"Folder": dryRun})
	case dryRun != "":
		line = lang.L("{{.Count}} messages will be written as .eml files into {{.Folder}}; nothing is sent.", map[string]any{"Count": d.Now, "Folder": dryRun})
	case d.Now == 1:
		line = lang.L("1 message goes now: {{.Estimate}}.", map[string]any{"Estimate": d.Estimate})
	default:
		line = lang.L("{{.Count}} messages go now: {{.Estimate}}.", map[string]any{"Count": d.Now, "Estimate": d.Estimate})
	}
	return line + dueNotes(d)
}

// dueNotes says which rows a run leaves alone and why, each on a line of
// its own.
func dueNotes(d Due) string {
	line := ""
	if d.Sent > 0 {
		line += "\n" + lang.L("{{.Sent}} of the {{.Total}} rows were sent before and are not sent again.", map[string]any{"Sent": d.Sent, "Total": d.Total})
	}
	if n := d.Failed + d.Unknown; n > 0 {
		if n == 1 {
			line += "\n" + lang.L("1 row that failed or may have arrived is not sent: decide about it in History.")
		} else {
			line += "\n" + lang.L("{{.Count}} rows that failed or may have arrived are not sent: decide about them in History.", map[string]any{"Count": n})
		}
	}
	return line
}

// nothingToSend says why a run would send nothing.
func nothingToSend(d Due) string {
	if n := d.Failed + d.Unknown; n > 0 {
		return lang.L("Nothing to send now: {{.Sent}} of the {{.Total}} rows were sent; {{.Decide}} failed or may have arrived and wait for your decision in History.", map[string]any{
			"Sent": d.Sent, "Total": d.Total, "Decide": n})
	}
	return lang.L("Nothing to send: all {{.Sent}} rows were sent before; {{.Skipped}} were skipped.", map[string]any{"Sent": d.Sent, "Skipped": d.Skipped})
}

// confirmStart counts afresh what goes now (History may have changed the
// journal since the check) and asks about exactly that number.
func (v *sendView) confirmStart() {
	v.start.Disable()
	d := v.doc.draft()
	v.bridge.run(func() func() {
		due, err := v.runner.Due(context.Background(), d)
		return func() {
			if err != nil {
				v.start.Enable()
				showError(err, v.win)
				return
			}
			v.due = &due
			v.showVerdict()
			if due.Now == 0 {
				dialog.ShowInformation(lang.L("Nothing to send"), nothingToSend(due), v.win)
				return
			}
			v.start.Enable()
			send := lang.L("Send {{.Count}} messages now?", map[string]any{"Count": due.Now})
			if due.Now == 1 {
				send = lang.L("Send 1 message now?")
			}
			question := send + "\n" +
				lang.L("Estimate: {{.Estimate}}.", map[string]any{"Estimate": due.Estimate}) + dueNotes(due)
			if q := v.schedule.confirmQuestion(due.Now); q != "" {
				question = q + dueNotes(due)
			}
			title := lang.L("Start sending")
			if dir := v.doc.c.DryRun; dir != "" {
				title = lang.L("Start the dry run")
				question = lang.L("Write the {{.Count}} messages as .eml files into {{.Folder}}? Nothing is sent.", map[string]any{"Count": due.Now, "Folder": dir})
				if due.Now == 1 {
					question = lang.L("Write the message as an .eml file into {{.Folder}}? Nothing is sent.", map[string]any{"Folder": dir})
				}
			}
			dialog.ShowConfirm(title, question,
				func(ok bool) {
					if ok {
						v.startRun()
					}
				}, v.win)
		}
	})
}

// setLine shows a status line, or hides it when empty so that it takes
// no room.
func setLine(l *widget.Label, text string) {
	l.SetText(text)
	showIf(l, text != "")
}

// openFolder shows a folder in the system's file manager (a file opens
// with the system's program for it).
func openFolder(dir string) {
	if a := fyne.CurrentApp(); a != nil {
		if u, err := url.Parse(storage.NewFileURI(dir).String()); err == nil {
			_ = a.OpenURL(u)
		}
	}
}
