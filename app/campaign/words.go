package campaign

import (
	"mailroom/app/msg"
	"mailroom/sender"
)

// StopText says why a run stopped with rows left, in the user's language:
// the engine names the reason by a code (sender.Code) and this is the one
// place that words it, for the window and the headless command alike.
func StopText(e *sender.StopError) msg.Text {
	if e == nil {
		return msg.Text{}
	}
	why := msg.Raw(e.Reply)
	if e.Reply == "" && e.Err != nil {
		why = textOf(e.Err)
	}
	var text msg.Text
	switch sender.Code(e) {
	case "canceled":
		return msg.T("Sending was cancelled. Rows not sent yet wait for the next run.")
	case "auth":
		text = msg.T("The server refused the sign-in ({{.Reason}}). Check the password, or sign in again under Accounts, then start again: rows not sent yet wait.", "Reason", why)
	case "daily-cap":
		text = msg.T("The daily limit set for this campaign is reached ({{.Reason}}). The rest waits for the next run.", "Reason", why)
	case "quota":
		text = msg.T("The provider's sending limit was reached ({{.Reason}}). Rows not sent yet wait.", "Reason", why)
	case "tls":
		text = msg.T("No secure connection to the server ({{.Reason}}). Test the account under Accounts, then start again.", "Reason", why)
	case "unreachable":
		text = msg.T("The server could not be reached ({{.Reason}}). Check the internet connection, then start again: rows not sent yet wait.", "Reason", why)
	case "journal":
		text = msg.T("The journal could not be written ({{.Reason}}), so sending stopped: nothing is sent without its record. Check the disk, then start again.", "Reason", why)
	case "source":
		text = msg.T("A message could not be prepared ({{.Reason}}). Check the campaign, then start again.", "Reason", why)
	default:
		text = msg.T("Sending stopped ({{.Reason}}). Rows not sent yet wait for the next run.", "Reason", msg.Raw(e.Error()))
	}
	if !e.ResumeAt.IsZero() {
		text = msg.T("{{.Text}} Sending can continue at {{.Time}}.", "Text", text, "Time", e.ResumeAt.Local().Format("2006-01-02 15:04"))
	}
	return text
}

// StopError is the stop as an error that says itself in the user's
// language (msg.TextOf), nil when the run did not stop.
func (o Outcome) StopError() error {
	if o.Stopped == nil {
		return nil
	}
	return &msg.Error{Text: StopText(o.Stopped), Err: o.Stopped}
}

// lang is l, or English when none was chosen.
func lang(l msg.Language) msg.Language {
	if l == "" {
		return msg.English
	}
	return l
}
