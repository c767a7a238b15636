package journal

import (
	"testing"
	"time"

	"mailroom/sender"
)

func TestSummaryCountsAndRate(t *testing.T) {
	clock := &fixedClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.Local)}
	j := openTest(t, WithClock(clock.now))
	c, res := campaignWith(t, j, "rate", 5)
	run := startRun(t, j, c.ID)
	for i, r := range res.Rows[:4] {
		outcome := sender.OutcomeSent
		if i == 3 {
			outcome = sender.OutcomeUnknown
		}
		send(t, run, r.Key, outcome)
		clock.t = clock.t.Add(30 * time.Second)
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	s, err := j.Summary(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Pending: 1, Sent: 3, Unknown: 1}
	if s.Counts != want || s.Total() != 5 {
		t.Fatalf("counts = %+v, want %+v", s.Counts, want)
	}
	// First attempt at 9:00:00, last outcome at 9:01:30: 3 sent in 1.5 min.
	if !s.Started.Equal(time.Date(2025, 3, 3, 9, 0, 0, 0, time.Local)) || s.Finished.Sub(s.Started) != 90*time.Second {
		t.Fatalf("started %v finished %v", s.Started, s.Finished)
	}
	if got := s.PerMinute(); got != 2 {
		t.Fatalf("rate = %v/min, want 2", got)
	}
	att, err := j.Attention(c.ID)
	if err != nil || len(att) != 1 || att[0].State != StateUnknown {
		t.Fatalf("attention = %+v, %v", att, err)
	}
	all, err := j.Campaigns()
	if err != nil || len(all) != 1 || all[0].Sent != 3 || all[0].Name != c.Name {
		t.Fatalf("campaigns = %+v, %v", all, err)
	}
}

// TestSearchAcrossCampaigns answers "did Mr Zhang get the March invoice?".
func TestSearchAcrossCampaigns(t *testing.T) {
	j := openTest(t)
	feb, _ := j.Campaign(CampaignSpec{Key: "feb", Name: "February invoice"})
	mar, _ := j.Campaign(CampaignSpec{Key: "mar", Name: "March invoice"})
	rows := keyed([]RowInput{
		{Number: 2, Address: "Zhang.Wei@163.com", Name: "张伟 (Mr Zhang)"},
		{Number: 3, Address: "li_na@qq.com", Name: "李娜"},
		{Number: 4, Address: "lixna@qq.com", Name: "100% real"},
	})
	for _, c := range []Campaign{feb, mar} {
		if _, err := j.Sync(c.ID, rows); err != nil {
			t.Fatal(err)
		}
	}
	run := startRun(t, j, mar.ID)
	send(t, run, "zhang.wei@163.com", sender.OutcomeSent)
	run.Close()

	hits, err := j.Search("zhang")
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].CampaignName != "March invoice" || hits[0].State != StateSent || hits[1].State != StatePending {
		t.Fatalf("hits = %+v", hits)
	}
	for query, want := range map[string]int{"张": 2, "Mr Zhang": 2, "li_na": 2, "100%": 2, "_": 2, "nobody": 0, "  ": 0} {
		hits, err := j.Search(query)
		if err != nil || len(hits) != want {
			t.Errorf("Search(%q) = %d hits, %v; want %d", query, len(hits), err, want)
		}
	}
}
