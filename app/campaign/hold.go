package campaign

import (
	"errors"
	"strings"
	"time"

	"mailroom/app/msg"
	"mailroom/app/reason"
	"mailroom/sender"
)

// This file is the one place that turns why a run waits or stopped
// (sender.Wait, sender.StopError) into words: the window's Send view, its
// send log and the headless command all show Hold.Text. The engine only
// returns codes (sender imports nothing of app/).

// HoldKind names why a run is not sending.
type HoldKind string

// The kinds of holds.
const (
	// HoldThrottle: the provider limits how fast (or on how many
	// connections) the account sends. A wait continues by itself at Until;
	// a stop (it lasted too long) can start again at Until.
	HoldThrottle HoldKind = "throttle"
	// HoldQuota: the provider's daily limit is reached; it resets at Until.
	HoldQuota HoldKind = "quota"
	// HoldCap: the campaign's own daily limit is reached; room at Until.
	HoldCap HoldKind = "daily-cap"
	// HoldHours: outside the sending hours; they open at Until.
	HoldHours HoldKind = "hours"
	// HoldStart: the campaign is scheduled to start at Until.
	HoldStart HoldKind = "scheduled"
	// HoldDelay: the random pause between messages; the next at Until.
	HoldDelay HoldKind = "delay"
	// HoldSpike: messages in a row were refused with the same reply.
	HoldSpike HoldKind = "error-spike"
	// HoldUnavailable: the server is not taking mail; next try at Until.
	HoldUnavailable HoldKind = "unavailable"
	// HoldAuth: the server refused the login.
	HoldAuth HoldKind = "authentication"
	// HoldTLS: the secure connection failed.
	HoldTLS HoldKind = "tls"
	// HoldCanceled: the user cancelled.
	HoldCanceled HoldKind = "canceled"
	// HoldOther: the journal or the message source failed.
	HoldOther HoldKind = "other"
)

// Hold says why a run is not sending now, in the user's words.
type Hold struct {
	Kind HoldKind
	// Waiting is true while the run itself waits and will go on (a
	// throttle, the sending hours in the window, the random delay, an
	// error spike the user may resume); false when the run stopped.
	Waiting bool
	// Until is when sending continues, or may start again; zero when
	// unknown or up to the user.
	Until time.Time
	// Reply is the server's reply behind the hold, verbatim; empty when
	// there is none.
	Reply string
	// Text says what happened and when sending goes on.
	Text msg.Text
	// Advice says what the user can change; zero when nothing.
	Advice msg.Text
}

// Sentence is the hold as one text: what happened, the server's reply
// and what to change.
func (h Hold) Sentence() msg.Text {
	t := h.Text
	if h.Reply != "" {
		t = msg.T("{{.What}} (server replied: {{.Reply}})", "What", t, "Reply", msg.Raw(h.Reply))
	}
	if !h.Advice.IsZero() {
		t = msg.T("{{.What}} {{.Advice}}", "What", t, "Advice", h.Advice)
	}
	return t
}

// When writes t for a message read at now: the time of day when it is
// today, with the date otherwise.
func When(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// WaitHold explains a wait the engine reports in its progress; ok is
// false when the run is not waiting.
func WaitHold(w sender.Wait, now time.Time) (Hold, bool) {
	at := When(w.Until, now)
	h := Hold{Waiting: true, Until: w.Until, Reply: w.Reply}
	switch w.Reason {
	case sender.WaitThrottle:
		h.Kind = HoldThrottle
		h.Text = msg.T("{{.Meaning}} Sending pauses and continues by itself at {{.Time}}.", "Meaning", limitMeaning(w.Limit), "Time", at)
	case sender.WaitUnavailable:
		h.Kind = HoldUnavailable
		h.Text = msg.T("The mail server is not taking mail right now; the next try is at {{.Time}}.", "Time", at)
	case sender.WaitHours:
		h.Kind = HoldHours
		h.Text = msg.T("Outside the sending hours: sending continues at {{.Time}}.", "Time", at)
	case sender.WaitStart:
		h.Kind = HoldStart
		h.Text = msg.T("Scheduled: sending starts at {{.Time}}.", "Time", at)
	case sender.WaitDelay:
		h.Kind = HoldDelay
		h.Text = msg.T("Random pause between messages: the next one goes at {{.Time}}.", "Time", w.Until.Local().Format("15:04:05"))
	case sender.WaitErrorSpike:
		h = spikeHold(w.Failures, w.Reply)
		h.Waiting = true
		h.Text = msg.T("{{.Count}} messages in a row were refused with the same reply: {{.Meaning}}. Sending is paused: change what the advice says and start again, or resume to go on as it is.",
			"Count", w.Failures, "Meaning", h.Text)
	default:
		return Hold{}, false
	}
	return h, true
}

// StopHold explains why a run stopped with rows left.
func StopHold(se *sender.StopError, now time.Time) Hold {
	h := Hold{Until: se.ResumeAt, Reply: se.Reply}
	at := When(se.ResumeAt, now)
	switch {
	case errors.Is(se, sender.ErrDailyCap):
		h.Kind = HoldCap
		h.Text = msg.T("The daily limit set for this campaign or account is reached; sending can resume at {{.Time}}.", "Time", at)
		h.Advice = msg.T("Sending continues by itself then while Mailroom stays open; from the command line, run the same command again after that time.")
	case errors.Is(se, sender.ErrQuota):
		h.Kind = HoldQuota
		if se.ResumeAt.IsZero() {
			h.Text = msg.T("{{.Meaning}} Sending stopped; try again tomorrow.", "Meaning", limitMeaning(se.Limit))
		} else {
			h.Text = msg.T("{{.Meaning}} Sending stopped; it can resume at {{.Time}}.", "Meaning", limitMeaning(se.Limit), "Time", at)
		}
		h.Advice = msg.T("Sending continues by itself then while Mailroom stays open; from the command line, run the same command again after that time.")
	case errors.Is(se, sender.ErrThrottled):
		h.Kind = HoldThrottle
		h.Text = msg.T("{{.Meaning}} It kept refusing for two hours, so sending stopped; start again after {{.Time}}.", "Meaning", limitMeaning(se.Limit), "Time", at)
		h.Advice = msg.T("Send more slowly: set a lower rate or a random pause between messages, then start again.")
	case errors.Is(se, sender.ErrOutsideHours):
		h.Kind = HoldHours
		h.Text = msg.T("Outside the sending hours: the next start is {{.Time}}.", "Time", at)
	case errors.Is(se, sender.ErrScheduled):
		h.Kind = HoldStart
		h.Text = msg.T("Not started: the campaign is scheduled to start at {{.Time}}.", "Time", at)
	case errors.Is(se, sender.ErrErrorSpike):
		sh := spikeHold(se.Failures, se.Reply)
		h.Kind, h.Advice = sh.Kind, sh.Advice
		h.Text = msg.T("{{.Count}} messages in a row were refused with the same reply: {{.Meaning}}. Sending stopped so as not to go through the whole list.", "Count", se.Failures, "Meaning", sh.Text)
	case errors.Is(se, sender.ErrAuth):
		h.Kind = HoldAuth
		h.Text = msg.T("The mail server refused the login.")
		h.Advice = msg.T("Check the password or authorisation code, or sign in again, under Accounts; then start again.")
		var worded *msg.Error
		if errors.As(se.Err, &worded) {
			h.Text = worded.Text // the sign-in's own words ("sign in again")
		}
	case errors.Is(se, sender.ErrTLS):
		h.Kind = HoldTLS
		h.Text = msg.T("The secure connection to the mail server failed (its certificate or TLS).")
		h.Advice = msg.T("Check the server name, port and security setting under Accounts.")
	case errors.Is(se, sender.ErrUnreachable):
		h.Kind = HoldUnavailable
		h.Text = msg.T("The mail server could not be reached, or kept turning the connection away.")
		h.Advice = msg.T("Check the internet connection and the server settings, then start again.")
	case errors.Is(se, sender.ErrCanceled):
		h.Kind = HoldCanceled
		h.Text = msg.T("Sending was cancelled. Rows not sent yet wait for the next run.")
	case errors.Is(se, sender.ErrJournal):
		h.Kind = HoldOther
		h.Text = msg.T("The journal could not be written, so sending stopped: nothing is sent without a record. {{.Error}}", "Error", msg.Raw(causeText(se)))
	default:
		h.Kind = HoldOther
		h.Text = msg.T("Sending stopped: {{.Error}}", "Error", msg.Raw(causeText(se)))
	}
	return h
}

// causeText is the underlying error without the engine's "sender: "
// prefix.
func causeText(se *sender.StopError) string {
	if se.Err != nil {
		return strings.TrimPrefix(se.Err.Error(), "sender: ")
	}
	return strings.TrimPrefix(se.Reason.Error(), "sender: ")
}

// spikeHold: what the repeated reply means and what to change.
func spikeHold(failures int, reply string) Hold {
	status := ""
	if f := strings.Fields(reply); len(f) > 1 {
		status = f[1]
	}
	code := reason.Classify(status, reply)
	return Hold{Kind: HoldSpike, Reply: reply, Text: reason.Meaning(status, reply), Advice: code.Advice()}
}

// limitMeaning names the provider's rule behind a throttle or a quota.
// Sources for every figure: docs/sender.md ("Server limits").
func limitMeaning(l sender.Limit) msg.Text {
	switch l.Kind {
	case sender.LimitRate:
		switch l.Provider {
		case sender.ProviderQQ:
			return msg.T("QQ Mail limits how often an account may send (“frequency limited”): after many messages in a short time it refuses more for a while.")
		case sender.ProviderNetEase:
			return msg.T("NetEase Mail (163/126) refuses more messages for a while after many in a short time.")
		case sender.ProviderGmail:
			return msg.T("Gmail asks this account to send more slowly (“try again later”).")
		case sender.ProviderMicrosoft:
			return msg.T("Microsoft limits how fast a mailbox may send (30 messages a minute).")
		}
		return msg.T("The mail server limits how fast this account may send.")
	case sender.LimitConnections:
		switch l.Provider {
		case sender.ProviderMicrosoft:
			return msg.T("Microsoft allows a mailbox at most 3 connections at once (“concurrent connections limit exceeded”); another program may be sending from it too.")
		case sender.ProviderNetEase:
			return msg.T("NetEase Mail refused the connection: too many connections at once.")
		}
		return msg.T("The mail server limits how many connections this account may open at once.")
	case sender.LimitDaily:
		switch l.Provider {
		case sender.ProviderGmail:
			return msg.T("Gmail's daily sending limit is reached (about 500 recipients in 24 hours for a personal account, 2,000 for Google Workspace); it counts the last 24 hours, so it lifts 24 hours after the first message of that period.")
		case sender.ProviderMicrosoft:
			return msg.T("Microsoft's daily limit for this mailbox is reached (10,000 recipients in 24 hours); it lifts 24 hours after the first message of that period.")
		case sender.ProviderNetEase:
			return msg.T("NetEase Mail's daily limit for this sender is reached (MI:STC): it takes no more messages from it today, Beijing time.")
		}
		return msg.T("The provider's daily sending limit for this account is reached.")
	}
	return msg.T("The mail server limits how much this account may send.")
}
