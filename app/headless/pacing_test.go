package headless

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"mailroom/app/campaign"
	"mailroom/sender"
)

// TestThrottleIsAnnouncedWithItsEnd: a headless run that a provider
// throttles waits in-process and says so once, with the time it goes on
// and the provider's meaning, never the engine's internal words.
func TestThrottleIsAnnouncedWithItsEnd(t *testing.T) {
	var out bytes.Buffer
	p := newProgressPrinter(&out, speaker{})
	until := time.Now().Add(2 * time.Minute)
	w := sender.Wait{Reason: sender.WaitThrottle, Until: until, Limit: sender.Limit{Kind: sender.LimitRate, Provider: sender.ProviderQQ},
		Reply: "550 Connection frequency limited. http://service.mail.qq.com/"}
	for range 3 {
		p.update(sender.Progress{Sent: 3, Remaining: 7, Wait: w, WaitingUntil: until})
	}
	p.update(sender.Progress{Sent: 4, Remaining: 6, Wait: sender.Wait{Reason: sender.WaitDelay, Until: until}})
	got := out.String()
	want := "waiting until " + campaign.When(until, time.Now()) + ": QQ Mail limits how often an account may send"
	if strings.Count("\n"+got, "\nwaiting until ") != 1 || !strings.Contains(got, want) || !strings.Contains(got, "(server replied: 550 Connection frequency limited.") {
		t.Errorf("output:\n%s\nwant one line starting %q", got, want)
	}
	if strings.Contains(got, "sender:") {
		t.Errorf("internal prefix in:\n%s", got)
	}
}
