package campaign_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailroom/app/campaign"
	"mailroom/sender/smtptest"
)

// BenchmarkPerConnectionLimit is issue 9's second reproduction: 500 rows,
// 2 connections, --rate 25/s, against a server that answers "421 4.7.0
// Too many messages on this connection" to the MAIL after every 40
// accepted messages, timed against the same campaign on a server without
// that limit (target: at most 1.2x). The engine must reconnect at once,
// not cool down. One op is one campaign of each kind, through Plan.Send
// with the real journal, as `mailroom send` runs it.
func BenchmarkPerConnectionLimit(b *testing.B) {
	const rows, conns, perConn = 500, 2, 40
	limited := smtptest.Start(b, smtptest.WithoutBodies(), smtptest.WithRules(smtptest.PerConnectionLimit(perConn)))
	clean := smtptest.Start(b, smtptest.WithoutBodies())
	var limitedTime, cleanTime time.Duration
	for i := range b.N {
		cleanTime += sendRateLimitedCampaign(b, clean, fmt.Sprintf("clean%d", i), rows, conns)
		limitedTime += sendRateLimitedCampaign(b, limited, fmt.Sprintf("limited%d", i), rows, conns)
	}
	b.ReportMetric(limitedTime.Seconds()/float64(b.N), "s/limited-campaign")
	b.ReportMetric(cleanTime.Seconds()/float64(b.N), "s/clean-campaign")
	b.ReportMetric(limitedTime.Seconds()/cleanTime.Seconds(), "limited/clean")
	b.ReportMetric(float64(len(limited.Conns()))/float64(b.N), "conns/limited-campaign")
}

// sendRateLimitedCampaign sends rows messages at 25/s over conns
// connections through srv and returns how long Plan.Send took.
func sendRateLimitedCampaign(b *testing.B, srv *smtptest.Server, name string, rows, conns int) time.Duration {
	b.Helper()
	dir := b.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&list, "Customer %d,%s.%06d@example.org\n", i, name, i)
	}
	for file, content := range map[string]string{"list.csv": list.String(), "body.txt": "Dear {{Name}},\n\nyour notice.\n"} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	c := &campaign.Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Notice for {{Name}}", Body: filepath.Join(dir, "body.txt"),
		From: "shop@example.com", SMTP: "smtp+plain://" + srv.Addr(), Concurrency: conns, Rate: "25/s", Journal: filepath.Join(dir, "j.db")}
	env := campaign.Env{DataDir: dir}
	plan, err := campaign.Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		b.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	start := time.Now()
	out, err := plan.Send(context.Background(), env, campaign.SendOptions{})
	took := time.Since(start)
	if err != nil || out.Sent != rows || out.Stopped != nil {
		b.Fatalf("%s: %+v, stopped %v, err %v", name, out.Counts, out.Stopped, err)
	}
	return took
}
