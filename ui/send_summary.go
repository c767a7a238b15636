package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// runSummary is the panel shown at the end of every run: what this run
// did, where the campaign stands, and the next step as buttons (retry the
// failed rows, decide about unknown ones, open the report).
type runSummary struct {
	v       *sendView
	text    *widget.Label
	retry   *widget.Button
	decide  *widget.Button
	failed  *widget.Button
	report  *widget.Button
	folder  *widget.Button // a dry run's .eml files
	skipped *widget.Button
	content *fyne.Container
}

func newRunSummary(v *sendView) *runSummary {
	s := &runSummary{v: v}
	s.text = widget.NewLabel("")
	s.text.Wrapping = fyne.TextWrapWord
	s.retry = widget.NewButtonWithIcon(lang.L("Retry failed rows"), theme.MediaReplayIcon(), v.retryFailed)
	s.retry.Importance = widget.HighImportance
	s.decide = widget.NewButtonWithIcon(lang.L("Decide about unknown rows"), theme.QuestionIcon(), func() {
		if v.onDecide != nil {
			v.onDecide(v.last.CampaignID)
		}
	})
	s.failed = widget.NewButtonWithIcon(lang.L("Show failed rows"), theme.ErrorIcon(), func() {
		v.tabs.Select(v.logTab)
		v.log.selectFilter(logFailed)
	})
	s.report = widget.NewButtonWithIcon(lang.L("Open report"), theme.FileIcon(), func() {
		if v.doc.c.Report != "" {
			openFolder(v.doc.c.Report)
		}
	})
	s.folder = widget.NewButtonWithIcon(lang.L("Open the folder"), theme.FolderOpenIcon(), func() {
		if v.last.DryRunDir != "" {
			openFolder(v.last.DryRunDir)
		}
	})
	s.skipped = widget.NewButtonWithIcon(lang.L("Show skipped rows"), theme.WarningIcon(), func() {
		v.tabs.Select(v.logTab)
		v.log.selectFilter(logSkipped)
	})
	buttons := container.NewHBox(s.retry, s.decide, s.failed, s.report, s.folder, s.skipped)
	s.content = container.NewVBox(widget.NewSeparator(), s.text, container.NewHScroll(buttons))
	s.content.Hide()
	return s
}

func (s *runSummary) hide() { s.content.Hide() }

// show sums up a run that ended with p (err: why it stopped).
func (s *runSummary) show(p Progress, err error) {
	v := s.v
	lines := lang.L("This run: {{.Sent}} sent, {{.Failed}} failed, {{.Unknown}} unknown.", map[string]any{
		"Sent": p.Run.Sent, "Failed": p.Run.Failed, "Unknown": p.Run.Unknown}) + "\n" + campaignLine(p) + "\n"
	switch {
	case err != nil:
		lines += lang.L("Next: fix what stopped the run, then start again; rows not sent yet are waiting.")
	case p.Pending > 0:
		lines += lang.L("Next: start again to send the rows still waiting.")
	case p.Failed > 0:
		lines += lang.L("Next: look at why the failed rows were refused (the log says it in plain words), fix the addresses or the account, then retry them.")
	case p.Unknown > 0:
		lines += lang.L("Next: decide whether the unknown rows arrived; they are never sent again without you.")
	default:
		lines += lang.L("Nothing is left to do for this campaign.")
	}
	s.text.SetText(lines)
	canAct := v.rows != nil && p.CampaignID != ""
	showIf(s.retry, canAct && p.Failed > 0)
	showIf(s.decide, v.onDecide != nil && p.CampaignID != "" && p.Unknown > 0)
	showIf(s.failed, p.Run.Failed > 0)
	showIf(s.report, v.doc.c.Report != "" && err == nil)
	s.folder.Hide()
	s.skipped.Hide()
	s.content.Show()
}

// showDryRun sums up a dry run: how many messages were written and how
// many rows left out, and the next step, which is to look at the files
// and then send for real.
func (s *runSummary) showDryRun(p Progress) {
	// The verdict above says how many files and where: at 800×600 a
	// second count would push the next step out of sight.
	lines := ""
	if p.Skipped > 0 {
		lines = lang.L("{{.Skipped}} rows were left out; the log says why.", map[string]any{"Skipped": p.Skipped}) + "\n"
		if p.Skipped == 1 {
			lines = lang.L("1 row was left out; the log says why.") + "\n"
		}
	}
	lines += lang.L("Next: open the folder and look at the messages; to send them, choose your account on Compose and turn the dry run off.")
	s.text.SetText(lines)
	for _, b := range []*widget.Button{s.retry, s.decide, s.failed, s.report} {
		b.Hide()
	}
	s.folder.Show()
	showIf(s.skipped, p.Skipped > 0)
	s.content.Show()
}

func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
