package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"mailroom/app/msg"
)

// progressEveryUI spaces the progress updates of a run: four a second read
// as live, and the window is not repainted for every message.
const progressEveryUI = 250 * time.Millisecond

// startRun starts a run. Starting prepares the campaign, which reads the
// whole list (seconds for 100,000 rows), so it runs off the UI goroutine;
// the controls say so meanwhile, and the run is shown once it runs.
func (v *sendView) startRun() {
	v.cancelResume()
	if v.run != nil || v.starting {
		return
	}
	if v.schedule.waitForStart(v.startRun) {
		return // it calls startRun again at the start time
	}
	v.starting = true
	v.check.Disable()
	v.start.Disable()
	v.estimate.Hide()
	v.summary.hide()
	v.verdict.Show()
	v.verdict.SetText(lang.L("Starting…"))
	d := v.doc.draft()
	progress := newLatestEvery(v.bridge, progressEveryUI, v.showProgress)
	v.bridge.run(func() func() {
		r, err := v.runner.Start(context.Background(), d, progress.post)
		return func() {
			v.starting = false
			if err != nil {
				v.check.Enable()
				v.showVerdict()
				v.verdict.SetText("✗ " + sayErr(err))
				// In the window's language when app/ worded it (a sign-in to renew).
				showError(err, v.win)
				return
			}
			v.showRun(r)
		}
	})
}

// showRun shows the run r and waits for its end.
func (v *sendView) showRun(r Delivery) {
	v.run, v.paused, v.pausedToAsk = r, false, false
	v.last = Progress{}
	v.logRead = 0
	v.log.reset()
	// A dry run's rows are in no journal: nothing to retry or export.
	v.log.journaled = v.doc.c.DryRun == ""
	v.bar.SetValue(0)
	setLine(v.counts, "")
	setLine(v.runCounts, "")
	setLine(v.speed, "")
	v.progress.Show()
	v.tabs.Select(v.logTab)
	if v.split.Offset > runningOptionsShare {
		v.split.SetOffset(runningOptionsShare)
	}
	v.check.Disable()
	v.start.Disable()
	v.pause.Enable()
	v.stop.Enable()
	v.pause.SetText(lang.L("Pause"))
	v.pause.SetIcon(theme.MediaPauseIcon())
	v.verdict.SetText(lang.L("Sending…"))
	v.bridge.run(func() func() {
		final, err := r.Wait()
		return func() { v.finished(r, final, err) }
	})
}

func (v *sendView) showProgress(p Progress) {
	if v.run == nil {
		return // a late update of a run that has ended
	}
	v.last = p
	if p.Total > 0 {
		v.bar.SetValue(float64(p.Total-p.Pending) / float64(p.Total))
	}
	setLine(v.counts, campaignLine(p))
	setLine(v.runCounts, lang.L("This run: {{.Done}} of {{.Due}} messages done: {{.Sent}} sent, {{.Failed}} failed, {{.Unknown}} unknown.", map[string]any{
		"Done": p.Run.Sent + p.Run.Failed + p.Run.Unknown, "Due": p.Due, "Sent": p.Run.Sent, "Failed": p.Run.Failed, "Unknown": p.Run.Unknown}))
	var speed []string
	switch {
	case p.PerMinute > 0:
		speed = append(speed, lang.L("{{.Rate}} per minute", map[string]any{"Rate": fmt.Sprintf("%.1f", p.PerMinute)}))
	case p.Limit != "":
		speed = append(speed, lang.L("at most {{.Rate}}", map[string]any{"Rate": p.Limit}))
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
	setLine(v.speed, strings.Join(speed, " · "))
	v.showEnginePause(p)
	v.readLog(v.run)
	if v.onProgress != nil {
		v.onProgress(p.CampaignID)
	}
}

// campaignLine counts the whole campaign.
func campaignLine(p Progress) string {
	return lang.L("The campaign: {{.Sent}} of {{.Total}} rows sent, {{.Failed}} failed, {{.Unknown}} unknown, {{.Skipped}} skipped, {{.Pending}} waiting.", map[string]any{
		"Sent": p.Sent, "Total": p.Total, "Failed": p.Failed, "Unknown": p.Unknown, "Skipped": p.Skipped, "Pending": p.Pending})
}

// readLog shows the entries r logged since the last look.
func (v *sendView) readLog(r Delivery) {
	if r == nil {
		return
	}
	rows := r.Log(v.logRead)
	v.logRead += len(rows)
	v.log.add(rows)
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
	v.pausedToAsk = false
}

// holdForQuestion pauses a running send while the user answers a
// question about stopping it (Cancel, closing the window): nothing more
// goes out while the question is open. It returns the function that
// lets the run go on when the answer is no; a run the user had paused
// stays paused.
func (v *sendView) holdForQuestion() (goOn func()) {
	r := v.run
	if r == nil || v.paused {
		return func() {}
	}
	r.Pause()
	v.pausedToAsk = true
	v.verdict.SetText(lang.L("Paused while you decide."))
	return func() {
		if v.run == r && v.pausedToAsk {
			v.pausedToAsk = false
			r.Resume()
			v.verdict.SetText(lang.L("Sending…"))
		}
	}
}

func (v *sendView) confirmCancel() {
	goOn := v.holdForQuestion()
	dialog.ShowConfirm(lang.L("Cancel sending"),
		lang.L("Stop the run? Rows not sent yet stay waiting and are sent by the next run."),
		func(ok bool) {
			if ok && v.run != nil {
				v.run.Cancel()
				v.stop.Disable()
				return
			}
			goOn()
		}, v.win)
}

// busy reports whether a send is starting or in progress, for the close
// prompt.
func (v *sendView) busy() bool { return v.run != nil || v.starting }

func (v *sendView) finished(r Delivery, p Progress, err error) {
	v.readLog(r)
	v.run = nil
	releaseMemory() // the run's plan and engine are gone
	v.pausedToAsk = false
	v.last = p
	if p.Total > 0 {
		v.bar.SetValue(float64(p.Total-p.Pending) / float64(p.Total))
	}
	// The summary says this run's and the campaign's counts.
	setLine(v.counts, "")
	setLine(v.runCounts, "")
	setLine(v.speed, "")
	v.check.Enable()
	v.pause.Disable()
	v.stop.Disable()
	v.checked = false
	v.due = nil
	ran := p.Run.Sent + p.Run.Failed + p.Run.Unknown
	switch {
	case err != nil:
		v.verdict.SetText("✗ " + sayErr(err))
	case p.DryRunDir != "":
		if p.Sent == 1 {
			v.verdict.SetText(lang.L("Dry run finished: 1 message written to {{.Folder}}. Nothing was sent.", map[string]any{"Folder": p.DryRunDir}))
		} else {
			v.verdict.SetText(lang.L("Dry run finished: {{.Count}} messages written to {{.Folder}}. Nothing was sent.", map[string]any{"Count": p.Sent, "Folder": p.DryRunDir}))
		}
		openFolder(p.DryRunDir)
	case p.Pending > 0 && !p.ResumesAt.IsZero():
		v.verdict.SetText(resumeVerdict(p))
		v.scheduleResume(p.ResumesAt)
	case p.Pending == 1:
		v.verdict.SetText(lang.L("Stopped with 1 row still waiting; the next run sends it."))
	case p.Pending > 0:
		v.verdict.SetText(lang.L("Stopped with {{.Pending}} rows still waiting; the next run sends them.", map[string]any{"Pending": p.Pending}))
	case ran == 0:
		v.verdict.SetText(lang.L("Nothing was sent: no row was waiting."))
	case p.Run.Unknown == 1:
		v.verdict.SetText(lang.L("Finished. 1 message may or may not have arrived: decide in History whether to mark it sent or send it again."))
	case p.Run.Unknown > 0:
		v.verdict.SetText(lang.L("Finished. {{.Unknown}} messages may or may not have arrived: decide in History whether to mark them sent or send them again.", map[string]any{"Unknown": p.Run.Unknown}))
	default:
		v.verdict.SetText(lang.L("Finished: this run sent {{.Sent}}, {{.Failed}} failed.", map[string]any{"Sent": p.Run.Sent, "Failed": p.Run.Failed}))
		// The summary below says the same and more: at 800×600 the line
		// would push its next step out of sight.
		v.verdict.Hide()
	}
	// The summary counts the run and the campaign: the bar goes, so that
	// at 800×600 the summary's next-step buttons stay in sight.
	v.progress.Hide()
	if p.DryRunDir != "" && err == nil {
		v.summary.showDryRun(p)
	} else {
		v.summary.show(p, err)
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
