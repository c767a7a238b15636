package campaign

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"mailroom/app/msg"
	"mailroom/sender"
)

// startFormats are the ways a start time may be written, in the
// computer's time zone unless it says its own.
var startFormats = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339}

// StartFormat is how the window writes a start time.
const StartFormat = "2006-01-02 15:04"

// ParseStartAt reads a campaign's start time ("2026-03-02 09:00", the
// computer's time zone); "" is no start time.
func ParseStartAt(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, f := range startFormats {
		if t, err := time.ParseInLocation(f, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("start time %q is not a date and time", s)
}

// Pacing is a campaign's schedule and pace, read from its fields (and the
// account's suggested delay), for the engine and for the window.
type Pacing struct {
	StartAt time.Time
	Hours   sender.Hours
	Delay   sender.Delay
	// DelayFromAccount is set when the delay is the account's suggestion
	// (its preset's) rather than the campaign's own.
	DelayFromAccount bool
	// ErrorSpike is how many identical refusals in a row pause or stop the
	// run; 0 never.
	ErrorSpike int
}

// Pacing reads the campaign's pacing fields; the first bad one is an
// error the preflight reports.
func (p *Plan) Pacing() (Pacing, error) {
	c := p.Campaign
	pc := Pacing{ErrorSpike: sender.DefaultErrorSpike}
	var err error
	if pc.StartAt, err = ParseStartAt(c.StartAt); err != nil {
		return pc, err
	}
	if strings.TrimSpace(c.Hours) != "" {
		if pc.Hours, err = sender.ParseHours(c.Hours); err != nil {
			return pc, err
		}
	}
	delay := c.Delay
	if strings.TrimSpace(delay) == "" && p.Account.Limits.Delay != "" {
		delay, pc.DelayFromAccount = p.Account.Limits.Delay, true
	}
	if strings.TrimSpace(delay) != "" {
		if pc.Delay, err = sender.ParseDelay(delay); err != nil {
			return pc, err
		}
	}
	if c.ErrorSpike != nil {
		if *c.ErrorSpike < 0 {
			return pc, fmt.Errorf("error spike %d: want 0 (never) or more", *c.ErrorSpike)
		}
		pc.ErrorSpike = *c.ErrorSpike
	}
	return pc, nil
}

// checkPacing reports bad pacing fields as blocking problems.
func (p *Plan) checkPacing() {
	c := p.Campaign
	bad := func(code string, field msg.Text, value, example string) {
		p.blocking(code, msg.T("{{.Field}} “{{.Value}}” cannot be read", "Field", field, "Value", msg.Raw(value)),
			msg.T("write it like {{.Example}}", "Example", msg.Raw(example)))
	}
	if _, err := ParseStartAt(c.StartAt); err != nil {
		bad("bad-start-at", msg.T("Start at"), c.StartAt, "2026-03-02 09:00")
	}
	if strings.TrimSpace(c.Hours) != "" {
		if _, err := sender.ParseHours(c.Hours); err != nil {
			bad("bad-hours", msg.T("Sending hours"), c.Hours, "Mon-Fri 09:00-18:00")
		}
	}
	if strings.TrimSpace(c.Delay) != "" {
		if _, err := sender.ParseDelay(c.Delay); err != nil {
			bad("bad-delay", msg.T("Pause between messages"), c.Delay, "30-120 (seconds)")
		}
	}
	if c.ErrorSpike != nil && *c.ErrorSpike < 0 {
		bad("bad-error-spike", msg.T("Pause after identical refusals"), strconv.Itoa(*c.ErrorSpike), "5, or 0 for never")
	}
}

// pacingOptions are the engine options of the campaign's pacing.
func (p *Plan) pacingOptions(opts SendOptions) ([]sender.Option, error) {
	pc, err := p.Pacing()
	if err != nil {
		return nil, err
	}
	o := []sender.Option{
		sender.WithSchedule(sender.Schedule{StartAt: pc.StartAt, Hours: pc.Hours, Wait: opts.WaitForHours}),
		sender.WithErrorSpike(pc.ErrorSpike, opts.PauseOnErrorSpike),
	}
	if !pc.Delay.IsZero() {
		o = append(o, sender.WithDelay(pc.Delay))
	}
	return o, nil
}

// NextStart is when the campaign may send, at or after now: its start
// time and sending hours; now when nothing holds it back. The window
// counts down to it.
func (p *Plan) NextStart(now time.Time) (time.Time, error) {
	pc, err := p.Pacing()
	if err != nil {
		return now, err
	}
	next, _ := sender.Schedule{StartAt: pc.StartAt, Hours: pc.Hours}.Next(now)
	return next, nil
}

// pauseReason is what the journal keeps about a quota stop, so that a
// later run (or `mailroom status`) can say it again in words:
// "quota KIND PROVIDER\nREPLY".
func pauseReason(se *sender.StopError) string {
	return fmt.Sprintf("quota %d %d\n%s", se.Limit.Kind, se.Limit.Provider, se.Reply)
}

// pausedHold explains a quota pause the journal recorded. Journals
// written before pause reasons were kept this way get the general words.
func pausedHold(until time.Time, reason string, now time.Time) Hold {
	se := &sender.StopError{Reason: sender.ErrQuota, ResumeAt: until}
	head, reply, _ := strings.Cut(reason, "\n")
	var kind, provider int
	if _, err := fmt.Sscanf(head, "quota %d %d", &kind, &provider); err == nil {
		se.Limit, se.Reply = sender.Limit{Kind: sender.LimitKind(kind), Provider: sender.Provider(provider)}, reply
		if se.Limit.Kind == sender.LimitCap {
			se.Reason = sender.ErrDailyCap
		}
	}
	return StopHold(se, now)
}

// HoursForm is the sending hours as the window edits them: days of the
// week (indexed by time.Weekday) and two times of day.
type HoursForm struct {
	Days     [7]bool
	From, To string
}

// SplitHours reads a campaign's hours for the window; ok is false when s
// is empty or cannot be read (the window then shows none set).
func SplitHours(s string) (f HoursForm, ok bool) {
	h, err := sender.ParseHours(s)
	if strings.TrimSpace(s) == "" || err != nil {
		return HoursForm{From: "09:00", To: "18:00", Days: [7]bool{false, true, true, true, true, true, false}}, false
	}
	hm := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return HoursForm{Days: h.Days, From: hm(h.From), To: hm(h.To)}, true
}

// String writes the form as the campaign file keeps it; the error says
// what is wrong (no day, a bad time, the end before the start).
func (f HoursForm) String() (string, error) {
	h := sender.Hours{Days: f.Days}
	if h.IsZero() {
		return "", fmt.Errorf("choose at least one day")
	}
	s := strings.Fields(h.String())[0] + " " + strings.TrimSpace(f.From) + "-" + strings.TrimSpace(f.To)
	if _, err := sender.ParseHours(s); err != nil {
		return "", err
	}
	return s, nil
}
