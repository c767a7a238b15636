package ui

import (
	"context"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
)

// retryRows sends rows of the log again: their rows become pending, and
// the check and the question follow as for any run. Rows that may have
// arrived (unknown) are named, because their recipients could get the
// message twice.
func (v *sendView) retryRows(rows []LogRow) {
	id := v.last.CampaignID
	if v.rows == nil || id == "" || len(rows) == 0 || v.run != nil || v.starting {
		return
	}
	keys := make([]string, len(rows))
	unknown := 0
	for i, r := range rows {
		keys[i] = r.Key
		if r.State == "unknown" {
			unknown++
		}
	}
	question := lang.L("Send these {{.Count}} rows again?", map[string]any{"Count": len(rows)})
	if len(rows) == 1 {
		question = lang.L("Send this row again?")
	}
	if unknown > 0 {
		question += "\n" + lang.L("{{.Unknown}} of them may have arrived already: those recipients could get the message twice.", map[string]any{"Unknown": unknown})
	}
	dialog.ShowConfirm(lang.L("Retry these"), question, func(ok bool) {
		if ok {
			v.sendAgain(id, keys)
		}
	}, v.win)
}

// sendAgain makes rows pending, then checks and asks to start.
func (v *sendView) sendAgain(id string, keys []string) {
	v.bridge.run(func() func() {
		err := v.rows.Resolve(context.Background(), id, keys, false)
		return func() {
			if err != nil {
				showError(err, v.win)
				return
			}
			if v.onFinished != nil {
				v.onFinished(id) // History shows the rows waiting again
			}
			v.preflightThen(v.confirmStart)
		}
	})
}

// retryFailed makes every failed row of the campaign pending, then checks
// and asks to start.
func (v *sendView) retryFailed() {
	id := v.last.CampaignID
	if v.rows == nil || id == "" {
		return
	}
	v.bridge.run(func() func() {
		_, err := v.rows.RetryFailed(context.Background(), id)
		return func() {
			if err != nil {
				showError(err, v.win)
				return
			}
			if v.onFinished != nil {
				v.onFinished(id)
			}
			v.preflightThen(v.confirmStart)
		}
	})
}

// exportRows writes the rows shown in the log as a report.
func (v *sendView) exportRows(rows []LogRow) {
	id := v.last.CampaignID
	if v.rows == nil || id == "" {
		return
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	v.savePath("rows.xlsx", []string{".xlsx", ".csv"}, func(path string) {
		v.bridge.run(func() func() {
			err := v.rows.ExportRows(context.Background(), id, keys, path)
			return func() {
				if err != nil {
					showError(err, v.win)
					return
				}
				v.verdict.Show()
				v.verdict.SetText(lang.L("{{.Count}} rows saved to {{.Path}}", map[string]any{"Count": len(keys), "Path": path}))
			}
		})
	})
}
