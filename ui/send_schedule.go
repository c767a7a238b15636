package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/campaign"
	"mailroom/app/msg"
)

// pacingAdvisor is what the schedule section asks the runner, when it
// can answer: the account's suggested pause between messages and why.
type pacingAdvisor interface {
	SuggestedDelay(accountID string) (delay string, reason msg.Text)
}

// sendSchedule is the Send view's "Schedule and pace" section: the start
// time (the window counts down to it and starts by itself while open),
// the sending hours, the random pause between messages and the pause
// after identical refusals. The fields are the campaign file's start_at,
// hours, delay and error_spike (docs/headless.md).
type sendSchedule struct {
	doc     *document
	bridge  *bridge
	advisor pacingAdvisor // nil when the runner gives no advice
	// onWaiting tells the Send view a scheduled start is counting down
	// (true) or is over or cancelled (false).
	onWaiting func(bool)
	now       func() time.Time
	after     func(time.Duration) <-chan time.Time

	startAt, delay, spike *widget.Entry
	hoursOn               *widget.Check
	days                  []*widget.Check // Monday first
	from, to              *widget.Entry
	delayHint             *widget.Label
	countdown             *widget.Label
	cancel                *widget.Button
	countdownRow          *fyne.Container
	item                  *widget.AccordionItem
	accordion             *widget.Accordion
	// section goes with the Send page's options, countdownRow above its
	// buttons.
	section fyne.CanvasObject
	loading bool
	// waiting is closed to cancel the countdown; nil when none runs.
	waiting chan struct{}
}

func newSendSchedule(doc *document, b *bridge, runner Runner, onWaiting func(bool)) *sendSchedule {
	s := &sendSchedule{doc: doc, bridge: b, onWaiting: onWaiting, now: time.Now, after: time.After}
	s.advisor, _ = runner.(pacingAdvisor)
	s.startAt = s.entry(lang.L("empty: when you press Start, e.g. {{.Example}}", map[string]any{"Example": "2026-03-02 09:00"}), func(v string) { s.doc.c.StartAt = v })
	s.delay = s.entry("", func(v string) { s.doc.c.Delay = v })
	s.spike = s.entry("5", func(v string) {
		s.doc.c.ErrorSpike = nil
		if n, err := strconv.Atoi(v); err == nil {
			s.doc.c.ErrorSpike = &n
		}
	})
	s.hoursOn = widget.NewCheck(lang.L("Only send on these days, at these hours:"), func(bool) { s.storeHours() })
	var dayChecks []fyne.CanvasObject
	for _, name := range []string{lang.L("Mon"), lang.L("Tue"), lang.L("Wed"), lang.L("Thu"), lang.L("Fri"), lang.L("Sat"), lang.L("Sun")} {
		c := widget.NewCheck(name, func(bool) { s.storeHours() })
		s.days = append(s.days, c)
		dayChecks = append(dayChecks, c)
	}
	s.from = s.entry("09:00", func(string) { s.storeHours() })
	s.to = s.entry("18:00", func(string) { s.storeHours() })
	s.delayHint = widget.NewLabel("")
	s.delayHint.Wrapping = fyne.TextWrapWord
	s.countdown = widget.NewLabel("")
	s.countdown.Wrapping = fyne.TextWrapWord
	s.cancel = widget.NewButtonWithIcon(lang.L("Cancel the scheduled start"), theme.CancelIcon(), s.stopWaiting)
	s.cancel.Hide()

	// Wide enough for "18:00" whatever the font.
	timeSize := fyne.NewSize(fyne.MeasureText("00:00000", theme.TextSize(), fyne.TextStyle{}).Width+theme.InnerPadding()*2, s.from.MinSize().Height)
	// The days flow onto a second line when the window is narrow (800
	// pixels wide, the Send page has about 650; in Chinese less), one width each so that
	// they line up.
	var daySize fyne.Size
	for _, c := range s.days {
		daySize = daySize.Max(c.MinSize())
	}
	zone := widget.NewLabel(lang.L("The computer's time zone. Outside these hours sending waits and goes on by itself."))
	zone.Wrapping = fyne.TextWrapWord
	hours := container.NewVBox(
		s.hoursOn,
		container.NewGridWrap(daySize, dayChecks...),
		container.NewHBox(container.NewGridWrap(timeSize, s.from), widget.NewLabel("–"), container.NewGridWrap(timeSize, s.to)),
		zone)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Start at"), s.startAt),
		widget.NewFormItem(lang.L("Sending hours"), hours),
		widget.NewFormItem(lang.L("Pause between messages"), container.NewVBox(
			container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("seconds, e.g. 30-120")), s.delay), s.delayHint)),
		widget.NewFormItem(lang.L("Pause after identical refusals"), container.NewBorder(nil, nil, nil,
			widget.NewLabel(lang.L("in a row (0: never)")), s.spike)),
	)
	s.item = widget.NewAccordionItem(lang.L("Schedule and pace"), form)
	s.accordion = widget.NewAccordion(s.item)
	s.countdownRow = container.NewBorder(nil, nil, nil, s.cancel, s.countdown)
	s.countdownRow.Hide()
	s.section = s.accordion
	return s
}

// summarize titles the section with what is set, so that it can stay
// closed and the Send view small: "Schedule and pace: starts …, Mon-Fri
// 09:00-18:00, pause 30-120 s".
func (s *sendSchedule) summarize() {
	c := s.doc.c
	var parts []string
	if c.StartAt != "" {
		parts = append(parts, lang.L("starts {{.Time}}", map[string]any{"Time": c.StartAt}))
	}
	if f, ok := campaign.SplitHours(c.Hours); ok {
		parts = append(parts, s.hoursText(f))
	}
	delay := c.Delay
	if delay == "" && s.advisor != nil {
		delay, _ = s.advisor.SuggestedDelay(c.Account)
	}
	if delay != "" && delay != "0" {
		parts = append(parts, lang.L("pause {{.Delay}} s", map[string]any{"Delay": delay}))
	}
	title := lang.L("Schedule and pace")
	if len(parts) > 0 {
		title = lang.L("Schedule and pace: {{.Summary}}", map[string]any{"Summary": listText(parts)})
	}
	s.item.Title = title
	s.accordion.Refresh()
}

// listText joins items as the window's language does ("a, b" / "a，b").
func listText(items []string) string {
	if len(items) == 0 {
		return ""
	}
	list := items[0]
	for _, item := range items[1:] {
		list = lang.L("{{.List}}, {{.Item}}", map[string]any{"List": list, "Item": item})
	}
	return list
}

// hoursText says the hours in the window's language: "Mon–Fri
// 09:00–18:00", "周二，周四 08:00–12:00".
func (s *sendSchedule) hoursText(f campaign.HoursForm) string {
	var runs []string
	for i := 0; i < 7; i++ { // Monday first, as the checks
		if !f.Days[(i+1)%7] {
			continue
		}
		j := i
		for j+1 < 7 && f.Days[(j+2)%7] {
			j++
		}
		switch {
		case j == i:
			runs = append(runs, s.days[i].Text)
		case j == i+1:
			runs = append(runs, s.days[i].Text, s.days[j].Text)
		default:
			runs = append(runs, lang.L("{{.First}}–{{.Last}}", map[string]any{"First": s.days[i].Text, "Last": s.days[j].Text}))
		}
		i = j
	}
	days := listText(runs)
	return lang.L("{{.Days}} {{.From}}–{{.To}}", map[string]any{"Days": days, "From": f.From, "To": f.To})
}

// entry is an entry whose trimmed text goes into the campaign.
func (s *sendSchedule) entry(placeholder string, store func(string)) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.OnChanged = func(v string) {
		if !s.loading {
			store(strings.TrimSpace(v))
			s.doc.changed()
			s.summarize()
		}
	}
	return e
}

// storeHours writes the hours fields into the campaign; fields that do
// not make hours yet (no day, half a time) leave them as they were until
// the user finishes, and the check reports what is still wrong.
func (s *sendSchedule) storeHours() {
	if s.loading {
		return
	}
	if !s.hoursOn.Checked {
		s.doc.c.Hours = ""
		s.doc.changed()
		s.summarize()
		return
	}
	var f campaign.HoursForm
	for i, c := range s.days {
		f.Days[(i+1)%7] = c.Checked
	}
	f.From, f.To = s.from.Text, s.to.Text
	if h, err := f.String(); err == nil {
		s.doc.c.Hours = h
	} else {
		s.doc.c.Hours = strings.TrimSpace(f.From + "-" + f.To) // the check names the problem
	}
	s.doc.changed()
	s.summarize()
}

// load shows the campaign's fields; the section starts closed, its title
// saying what is set.
func (s *sendSchedule) load() {
	s.stopWaiting()
	s.loading = true
	defer func() { s.loading = false }()
	c := s.doc.c
	s.startAt.SetText(c.StartAt)
	s.delay.SetText(c.Delay)
	s.spike.SetText("")
	if c.ErrorSpike != nil {
		s.spike.SetText(strconv.Itoa(*c.ErrorSpike))
	}
	f, on := campaign.SplitHours(c.Hours)
	s.hoursOn.SetChecked(on)
	for i, d := range s.days {
		d.SetChecked(f.Days[(i+1)%7])
	}
	s.from.SetText(f.From)
	s.to.SetText(f.To)
	s.showSuggestion()
	s.summarize()
}

// showSuggestion tells what pause the account suggests and why.
func (s *sendSchedule) showSuggestion() {
	s.delay.SetPlaceHolder(lang.L("none"))
	s.delayHint.SetText("")
	s.delayHint.Hide()
	if s.advisor == nil {
		return
	}
	d, why := s.advisor.SuggestedDelay(s.doc.c.Account)
	if d == "" {
		return
	}
	s.delay.SetPlaceHolder(lang.L("{{.Delay}} (the account's suggestion)", map[string]any{"Delay": d}))
	s.delayHint.SetText(say(why))
	s.delayHint.Show()
}

// waitForStart counts down to the campaign's start time when it lies
// ahead, and calls start when it comes (if the window is still open and
// the countdown was not cancelled). false means there is nothing to wait
// for: start now.
func (s *sendSchedule) waitForStart(start func()) bool {
	at, err := campaign.ParseStartAt(s.doc.c.StartAt)
	if err != nil || !at.After(s.now()) || s.doc.c.DryRun != "" {
		if s.waiting == nil { // "the scheduled start was cancelled" is over
			s.countdown.SetText("")
			s.countdownRow.Hide()
		}
		return false
	}
	s.stopWaiting()
	stop := make(chan struct{})
	s.waiting = stop
	s.countdownRow.Show()
	s.cancel.Show()
	s.showCountdown(at)
	s.onWaiting(true)
	s.bridge.run(func() func() {
		for {
			left := at.Sub(s.now())
			if left <= 0 {
				return func() {
					if s.waiting == stop {
						s.finishWaiting()
						start()
					}
				}
			}
			select {
			case <-s.after(min(left, time.Second)):
				s.bridge.update(func() {
					if s.waiting == stop {
						s.showCountdown(at)
					}
				})
			case <-stop:
				return nil
			}
		}
	})
	return true
}

func (s *sendSchedule) showCountdown(at time.Time) {
	left := at.Sub(s.now()).Round(time.Second)
	s.countdown.SetText(lang.L("Scheduled: sending starts at {{.Time}}, in {{.Left}}. Keep Mailroom open until then.",
		map[string]any{"Time": campaign.When(at, s.now()), "Left": countdownText(left)}))
}

// countdownText writes a duration as the countdown shows it: 1:02:03.
func countdownText(d time.Duration) string {
	d = max(d, 0)
	h, m, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if days := h / 24; days > 0 {
		return lang.L("{{.Days}} d {{.Clock}}", map[string]any{"Days": days, "Clock": fmt.Sprintf("%d:%02d:%02d", h%24, m, sec)})
	}
	return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
}

// stopWaiting cancels a countdown (the user, or another campaign).
func (s *sendSchedule) stopWaiting() {
	if s.waiting == nil {
		return
	}
	close(s.waiting)
	s.finishWaiting()
	s.countdownRow.Show()
	s.countdown.SetText(lang.L("The scheduled start was cancelled."))
}

func (s *sendSchedule) finishWaiting() {
	s.waiting = nil
	s.cancel.Hide()
	s.countdown.SetText("")
	s.countdownRow.Hide()
	s.onWaiting(false)
}

// counting reports whether a scheduled start is counting down.
func (s *sendSchedule) counting() bool { return s.waiting != nil }

// confirmQuestion is the Start dialog's question when the campaign is
// scheduled for later; "" when it starts now.
func (s *sendSchedule) confirmQuestion(ready int) string {
	at, err := campaign.ParseStartAt(s.doc.c.StartAt)
	if err != nil || !at.After(s.now()) {
		return ""
	}
	return lang.L("Send one message to each of the {{.Count}} ready rows, starting at {{.Time}}? Mailroom must stay open until then.",
		map[string]any{"Count": ready, "Time": campaign.When(at, s.now())})
}

// holdText says why a run waits or stopped, for the Send view's status
// lines; "" when nothing holds it.
func holdText(p Progress) string {
	if p.Hold == nil {
		return ""
	}
	return say(p.Hold.Text)
}

// showEnginePause keeps the Pause button true to the engine: it pauses
// itself after identical refusals in a row (Progress.Hold says why).
func (v *sendView) showEnginePause(p Progress) {
	if v.run == nil || p.Paused == v.paused {
		return
	}
	v.paused = p.Paused
	if p.Paused {
		v.pause.SetText(lang.L("Resume"))
		v.pause.SetIcon(theme.MediaPlayIcon())
		if h := p.Hold; h != nil {
			v.verdict.SetText(say(h.Sentence()))
		}
		return
	}
	v.pause.SetText(lang.L("Pause"))
	v.pause.SetIcon(theme.MediaPauseIcon())
}

// waitingForStart switches the Send view's buttons while a scheduled
// start counts down.
func (v *sendView) waitingForStart(waiting bool) {
	if waiting {
		v.start.Disable()
		v.check.Disable()
		return
	}
	if v.run == nil {
		v.check.Enable()
		v.showVerdict()
	}
}

// resumeVerdict says why a run stopped with rows left and when it goes on
// by itself: a provider's daily limit, or a throttle that lasted.
func resumeVerdict(p Progress) string {
	at := campaign.When(p.ResumesAt, time.Now())
	if p.Hold == nil {
		return lang.L("The provider's sending limit was reached: {{.Pending}} rows wait. Sending continues by itself at {{.Time}} while Mailroom stays open, or when you start it again after that.",
			map[string]any{"Pending": p.Pending, "Time": at})
	}
	return lang.L("{{.Why}} {{.Pending}} rows wait; sending continues by itself at {{.Time}} while Mailroom stays open, or when you start it again after that.",
		map[string]any{"Why": say(p.Hold.Text), "Pending": p.Pending, "Time": at})
}
