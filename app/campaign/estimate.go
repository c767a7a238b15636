package campaign

import (
	"time"

	"mailroom/app/msg"
	"mailroom/sender"
)

// Estimate is how long sending the due messages takes under the pace the
// engine will keep: the campaign's rate (else the account's) and the daily
// limit (the campaign's, else the account's), counting what the account
// already sent in the last 24 hours.
type Estimate struct {
	Messages int
	// Rate is the pace; N is 0 when there is none (as fast as the server
	// takes them).
	Rate sender.Rate
	// DailyCap is the daily limit, 0 when none.
	DailyCap int
	// Days is how many messages go in each 24 hours from now: Days[0]
	// now, Days[1] tomorrow…; a single element when the limit is not
	// reached. Empty when nothing is due.
	Days []int
	// Duration is how long Days[0] takes at Rate; 0 without a rate.
	Duration time.Duration
}

// maxEstimateDays bounds the days listed; a longer campaign is described
// by its daily share.
const maxEstimateDays = 10000

// Estimate paces d.Now messages.
func (p *Plan) Estimate(d Due) Estimate {
	e := Estimate{Messages: d.Now, DailyCap: p.dailyCap()}
	e.Rate, _ = p.rate()
	left := d.Now
	if left == 0 {
		return e
	}
	if e.DailyCap <= 0 {
		e.Days = []int{left}
	} else {
		today := min(left, max(e.DailyCap-d.SentLastDay, 0))
		e.Days = append(e.Days, today)
		left -= today
		for left > 0 && len(e.Days) < maxEstimateDays {
			n := min(left, e.DailyCap)
			e.Days = append(e.Days, n)
			left -= n
		}
	}
	if e.Rate.N > 0 && e.Days[0] > 1 {
		// The first message goes at once, each next one an interval later.
		e.Duration = time.Duration(e.Days[0]-1) * e.Rate.Per / time.Duration(e.Rate.N)
	}
	return e
}

// Text says the estimate in words: "about 1 h 40 min at 20/min", "500
// today (about 25 min at 20/min) and 734 tomorrow: the daily limit is
// 500".
func (e Estimate) Text() msg.Text {
	if e.Messages == 0 || len(e.Days) == 0 {
		return msg.T("nothing to send")
	}
	pace := msg.T("as fast as the server accepts them")
	switch {
	case e.Days[0] == 1:
		pace = msg.T("right away")
	case e.Rate.N > 0 && e.Days[0] > 1:
		pace = msg.T("about {{.Duration}} at {{.Rate}}", "Duration", roughDuration(e.Duration), "Rate", RateText(e.Rate))
	}
	switch {
	case len(e.Days) == 1:
		return pace
	case len(e.Days) == 2 && e.Days[0] == 0:
		return msg.T("none today: the daily limit of {{.Cap}} is reached; {{.Tomorrow}} tomorrow",
			"Cap", e.DailyCap, "Tomorrow", e.Days[1])
	case len(e.Days) == 2:
		return msg.T("{{.Today}} today ({{.Pace}}) and {{.Tomorrow}} tomorrow: the daily limit is {{.Cap}}",
			"Today", e.Days[0], "Pace", pace, "Tomorrow", e.Days[1], "Cap", e.DailyCap)
	}
	return msg.T("{{.Today}} today ({{.Pace}}), then up to {{.Cap}} a day: {{.Days}} days in all, as the daily limit is {{.Cap}}",
		"Today", e.Days[0], "Pace", pace, "Cap", e.DailyCap, "Days", len(e.Days))
}

// RateText says a rate the way people read it: "20/min", "20/分钟".
func RateText(r sender.Rate) msg.Text {
	switch r.Per {
	case time.Second:
		return msg.T("{{.N}}/s", "N", r.N)
	case time.Minute:
		return msg.T("{{.N}}/min", "N", r.N)
	case time.Hour:
		return msg.T("{{.N}}/h", "N", r.N)
	}
	return msg.Raw(r.String())
}

// roughDuration rounds d to what an estimate can promise: seconds under
// a minute, minutes above.
func roughDuration(d time.Duration) msg.Text {
	if d >= time.Minute {
		d = d.Round(time.Minute)
	}
	return msg.Duration(d)
}
