package campaign

import (
	"errors"
	"strings"
	"testing"
	"time"

	"mailroom/app/msg"
	"mailroom/sender"
)

// Every way a run can stop reads in Chinese, with the server's reply kept
// as it came and the time it may continue.
func TestStopTextSaysEveryStopInChinese(t *testing.T) {
	resume := time.Date(2026, 3, 5, 9, 30, 0, 0, time.Local)
	for _, reason := range []error{sender.ErrCanceled, sender.ErrAuth, sender.ErrDailyCap, sender.ErrQuota, sender.ErrTLS,
		sender.ErrUnreachable, sender.ErrJournal, sender.ErrSource, sender.ErrThrottled, sender.ErrOutsideHours,
		sender.ErrScheduled, sender.ErrErrorSpike} {
		e := &sender.StopError{Reason: reason, Reply: "550 5.4.5 Daily user sending limit exceeded", ResumeAt: resume, Failures: 5}
		text := StopText(e)
		zh := text.In(msg.SimplifiedChinese)
		if zh == text.String() || strings.Contains(zh, "sender:") {
			t.Errorf("%v: %q", reason, zh)
		}
		if reason != sender.ErrCanceled && !strings.Contains(zh, "550 5.4.5") {
			t.Errorf("%v: the server's reply is lost: %q", reason, zh)
		}
	}
	quota := StopText(&sender.StopError{Reason: sender.ErrQuota, Reply: "550 5.4.5", ResumeAt: resume}).In(msg.SimplifiedChinese)
	if !strings.Contains(quota, "2026-03-05 09:30") {
		t.Errorf("no resume time: %q", quota)
	}
	out := Outcome{Stopped: &sender.StopError{Reason: sender.ErrAuth, Reply: "535 5.7.8 bad password"}}
	err := out.StopError()
	if !errors.Is(err, sender.ErrAuth) {
		t.Errorf("the stop is no longer an authentication stop: %v", err)
	}
	if got, ok := msg.TextOf(err); !ok || !strings.Contains(got.In(msg.SimplifiedChinese), "535 5.7.8") {
		t.Errorf("StopError words: %q", got.In(msg.SimplifiedChinese))
	}
}
