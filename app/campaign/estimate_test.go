package campaign

import (
	"testing"
	"time"

	"mailroom/app/msg"
	"mailroom/sender"
)

// TestSpeedIsShownOnlyWhenMeasuredLongEnough: four messages at 30/min
// take six seconds; "40 per minute" would be false, so nothing is
// measured. Twenty messages two seconds apart are measured as what they
// are, 30 per minute; a pause starts the measurement afresh.
func TestSpeedIsShownOnlyWhenMeasuredLongEnough(t *testing.T) {
	limit := sender.Rate{N: 30, Per: time.Minute}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := &speedMeter{}
	for i := 1; i <= 4; i++ {
		if got := m.observe(start.Add(time.Duration(i-1)*2*time.Second), i, false, limit); got != 0 {
			t.Fatalf("after %d messages in %v: %.1f per minute, want none yet", i, time.Duration(i-1)*2*time.Second, got)
		}
	}
	var got float64
	for i := 5; i <= 20; i++ {
		got = m.observe(start.Add(time.Duration(i-1)*2*time.Second), i, false, limit)
	}
	if got < 29.9 || got > 30.1 {
		t.Errorf("20 messages 2 s apart: %.2f per minute, want 30", got)
	}
	if got := m.observe(start.Add(time.Minute), 20, true, limit); got != 0 {
		t.Errorf("while paused: %.1f", got)
	}
	if got := m.observe(start.Add(2*time.Minute), 21, false, limit); got != 0 {
		t.Errorf("right after a pause: %.1f, want a fresh measurement", got)
	}
}

// TestProgressETAUsesTheLimitUntilMeasured: before the speed is known,
// the time left comes from the rate the run keeps.
func TestProgressETAUsesTheLimitUntilMeasured(t *testing.T) {
	s := RunStart{Due: 4}
	s.Rows.Pending = 4
	s.Rows.Sent = 6
	p := s.progressOf(sender.Progress{Sent: 1, Remaining: 3}, &speedMeter{}, sender.Rate{N: 30, Per: time.Minute}, time.Now())
	if p.PerMinute != 0 || p.ETA != 6*time.Second {
		t.Errorf("speed %.1f, ETA %v; want no speed and 6s from the 30/min limit", p.PerMinute, p.ETA)
	}
	if p.Campaign.Sent != 7 || p.Campaign.Pending != 3 || p.Finished() != 0.7 {
		t.Errorf("campaign %+v, finished %.2f; want 7 sent, 3 pending, 70 %%", p.Campaign, p.Finished())
	}
}

// TestEstimateUnderRateAndDailyLimit paces the due messages as the
// engine will.
func TestEstimateUnderRateAndDailyLimit(t *testing.T) {
	plan := func(rate string, daily int) *Plan {
		return &Plan{Campaign: &Campaign{Rate: rate, DailyCap: daily}}
	}
	cases := []struct {
		name  string
		plan  *Plan
		due   Due
		days  []int
		dur   time.Duration
		words string
	}{
		{"within the day", plan("20/min", 0), Due{Now: 2000}, []int{2000}, 1999 * 3 * time.Second, "about 1 h 40 min at 20/min"},
		{"two days", plan("20/min", 1000), Due{Now: 1734, SentLastDay: 500}, []int{500, 1000, 234}, 499 * 3 * time.Second,
			"500 today (about 25 min at 20/min), then up to 1000 a day: 3 days in all, as the daily limit is 1000"},
		{"today and tomorrow", plan("20/min", 500), Due{Now: 734}, []int{500, 234}, 499 * 3 * time.Second,
			"500 today (about 25 min at 20/min) and 234 tomorrow: the daily limit is 500"},
		{"limit reached", plan("", 500), Due{Now: 10, SentLastDay: 500}, []int{0, 10}, 0,
			"none today: the daily limit of 500 is reached; 10 tomorrow"},
		{"no pace", plan("", 0), Due{Now: 30}, []int{30}, 0, "as fast as the server accepts them"},
		{"nothing", plan("20/min", 0), Due{}, nil, 0, "nothing to send"},
	}
	for _, c := range cases {
		e := c.plan.Estimate(c.due)
		if len(e.Days) != len(c.days) || e.Duration != c.dur {
			t.Errorf("%s: days %v, duration %v; want %v, %v", c.name, e.Days, e.Duration, c.days, c.dur)
			continue
		}
		for i := range c.days {
			if e.Days[i] != c.days[i] {
				t.Errorf("%s: days %v, want %v", c.name, e.Days, c.days)
			}
		}
		if got := e.Text().String(); got != c.words {
			t.Errorf("%s: %q, want %q", c.name, got, c.words)
		}
	}
	zh := plan("20/min", 500).Estimate(Due{Now: 734}).Text().In(msg.SimplifiedChinese)
	if zh == "" || zh == plan("20/min", 500).Estimate(Due{Now: 734}).Text().String() {
		t.Errorf("the estimate is not said in Chinese: %q", zh)
	}
}
