package sender

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Hours is when sending is allowed: some days of the week, between two
// times of day, in a time zone (the computer's, for the window and the
// headless command). The zero Hours allows any time.
type Hours struct {
	// Days are the allowed weekdays, indexed by time.Weekday.
	Days [7]bool
	// From and To are offsets from midnight; From < To <= 24h.
	From, To time.Duration
	// Loc is the time zone; nil means time.Local.
	Loc *time.Location
}

// IsZero reports whether h allows any time.
func (h Hours) IsZero() bool { return h.Days == [7]bool{} }

var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseHours reads "Mon-Fri 09:00-18:00", "Mon,Wed,Fri 08:30-12:00",
// "daily 09:00-17:00" or just "09:00-18:00" (every day). Days are the
// first three letters of their English names, any case; "weekdays" is
// Mon-Fri. The times are the computer's local time.
func ParseHours(s string) (Hours, error) {
	h := Hours{}
	fields := strings.Fields(strings.TrimSpace(s))
	var days, times string
	switch len(fields) {
	case 1:
		days, times = "daily", fields[0]
	case 2:
		days, times = fields[0], fields[1]
	default:
		return h, fmt.Errorf("%w: sending hours %q: want days and times, e.g. Mon-Fri 09:00-18:00", ErrInvalidConfig, s)
	}
	if err := h.parseDays(days); err != nil {
		return Hours{}, fmt.Errorf("%w: sending hours %q: %v", ErrInvalidConfig, s, err)
	}
	from, to, ok := strings.Cut(times, "-")
	var err error
	if h.From, err = clockTime(from); ok && err == nil {
		h.To, err = clockTime(to)
	}
	switch {
	case !ok || err != nil:
		return Hours{}, fmt.Errorf("%w: sending hours %q: times must be HH:MM-HH:MM, e.g. 09:00-18:00", ErrInvalidConfig, s)
	case h.To <= h.From:
		return Hours{}, fmt.Errorf("%w: sending hours %q: the end must be after the start on the same day", ErrInvalidConfig, s)
	}
	return h, nil
}

func (h *Hours) parseDays(s string) error {
	switch strings.ToLower(s) {
	case "daily", "everyday", "every-day", "*":
		s = "sun-sat"
	case "weekdays":
		s = "mon-fri"
	case "weekends":
		s = "sat,sun"
	}
	for _, part := range strings.Split(strings.ToLower(s), ",") {
		first, last, isRange := strings.Cut(part, "-")
		a, b := dayIndex(first), dayIndex(last)
		if !isRange {
			b = a
		}
		if a < 0 || b < 0 {
			return fmt.Errorf("unknown day %q: use Mon, Tue, Wed, Thu, Fri, Sat, Sun", part)
		}
		for d := a; ; d = (d + 1) % 7 {
			h.Days[d] = true
			if d == b {
				break
			}
		}
	}
	return nil
}

func dayIndex(s string) int {
	for i, d := range dayNames {
		if len(s) >= 3 && strings.HasPrefix(d, s[:3]) && strings.HasPrefix(dayFull[i], s) {
			return i
		}
	}
	return -1
}

var dayFull = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// clockTime reads "9:00", "09:00" or "24:00" as an offset from midnight.
func clockTime(s string) (time.Duration, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// String writes h as ParseHours reads it.
func (h Hours) String() string {
	if h.IsZero() {
		return ""
	}
	var parts []string
	for d := 1; d <= 7; d++ { // Monday first
		if !h.Days[d%7] {
			continue
		}
		start := d
		for d+1 <= 7 && h.Days[(d+1)%7] {
			d++
		}
		name := func(i int) string { n := dayNames[i%7]; return strings.ToUpper(n[:1]) + n[1:] }
		if d == start {
			parts = append(parts, name(start))
		} else {
			parts = append(parts, name(start)+"-"+name(d))
		}
	}
	days := strings.Join(parts, ",")
	if days == "Mon-Sun" {
		days = "daily"
	}
	hm := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return days + " " + hm(h.From) + "-" + hm(h.To)
}

func (h Hours) loc() *time.Location {
	if h.Loc != nil {
		return h.Loc
	}
	return time.Local
}

// Open reports whether t falls within the hours.
func (h Hours) Open(t time.Time) bool {
	if h.IsZero() {
		return true
	}
	t = t.In(h.loc())
	if !h.Days[t.Weekday()] {
		return false
	}
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return !t.Before(at(midnight, h.From)) && t.Before(at(midnight, h.To))
}

// Next returns t when the hours are open at t, else the moment they next
// open.
func (h Hours) Next(t time.Time) time.Time {
	if h.IsZero() || h.Open(t) {
		return t
	}
	lt := t.In(h.loc())
	for i := 0; i <= 7; i++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+i, 0, 0, 0, 0, lt.Location())
		if !h.Days[day.Weekday()] {
			continue
		}
		if start := at(day, h.From); start.After(t) {
			return start
		}
	}
	return t // unreachable: some day is allowed
}

// at is the clock time d on the day of midnight, read as a wall clock so
// that a change to or from summer time does not shift it.
func at(midnight time.Time, d time.Duration) time.Time {
	return time.Date(midnight.Year(), midnight.Month(), midnight.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, midnight.Location())
}

// Schedule holds messages back before a start time and outside sending
// hours. In the window the run waits (Wait); the headless command stops
// instead, with ErrScheduled or ErrOutsideHours and StopError.ResumeAt
// the moment to run it again.
type Schedule struct {
	// StartAt is the earliest moment the first message may go; zero for
	// now.
	StartAt time.Time
	// Hours is when messages may go; the zero Hours allows any time.
	Hours Hours
	// Wait makes the run wait until sending is allowed; without it the
	// run stops.
	Wait bool
}

// Next returns the first moment at or after t at which sending is allowed,
// and why it is later than t (WaitStart or WaitHours; WaitNone when t
// itself is allowed).
func (s Schedule) Next(t time.Time) (time.Time, WaitReason) {
	next, reason := t, WaitNone
	if s.StartAt.After(next) {
		next, reason = s.StartAt, WaitStart
	}
	if open := s.Hours.Next(next); open.After(next) {
		next = open
		if reason == WaitNone {
			reason = WaitHours
		}
	}
	return next, reason
}

// WithSchedule sets a start time and sending hours (see Schedule).
func WithSchedule(s Schedule) Option {
	return func(c *config) error {
		h := s.Hours
		if !h.IsZero() && (h.From < 0 || h.To <= h.From || h.To > 24*time.Hour) {
			return fmt.Errorf("%w: sending hours %s", ErrInvalidConfig, h)
		}
		c.schedule = s
		return nil
	}
}
