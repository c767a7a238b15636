package msg

import "time"

// Duration says how long d is the way people read it: "1 min 27 s" in
// English, "1 分 27 秒" in Chinese, rounded to the unit that matters
// (milliseconds under a second, seconds under an hour, minutes above).
// "About" belongs to the sentence around it, not here.
func Duration(d time.Duration) Text {
	if d < 0 {
		d = -d
	}
	if d < time.Second {
		return T("{{.Milliseconds}} ms", "Milliseconds", int(d.Round(time.Millisecond)/time.Millisecond))
	}
	if d < time.Hour {
		d = d.Round(time.Second)
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		switch {
		case m == 0:
			return T("{{.Seconds}} s", "Seconds", s)
		case s == 0:
			return T("{{.Minutes}} min", "Minutes", m)
		}
		return T("{{.Minutes}} min {{.Seconds}} s", "Minutes", m, "Seconds", s)
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return T("{{.Hours}} h", "Hours", h)
	}
	return T("{{.Hours}} h {{.Minutes}} min", "Hours", h, "Minutes", m)
}
