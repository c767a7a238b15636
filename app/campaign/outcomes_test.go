package campaign

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"mailroom/app/journal"
	"mailroom/sender/smtptest"
)

// TestEveryAcceptedOutcomeIsDurableWhenTheRunReturns runs many short
// campaigns at 4 and 8 connections against a fast in-process sink and
// checks, after every run, that no row is left "sending" and that the
// counts the run returned are the journal's (issue 9, part 1: a row the
// server accepted stayed "sending" after a normal exit, so the next run
// called it unknown).
//
// The outcome was lost when a MarkDone landed between two steps of the
// journal's writer; more threads than cores make the scheduler stop the
// writer between them far more often, so the loop raises GOMAXPROCS.
func TestEveryAcceptedOutcomeIsDurableWhenTheRunReturns(t *testing.T) {
	runs, rows := 6, 400
	if raceEnabled {
		runs, rows = 5, 250
	}
	if testing.Short() {
		runs = 2
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(16, runtime.NumCPU())))
	srv := smtptest.Start(t, smtptest.WithoutBodies())
	for _, conns := range []int{4, 8} {
		t.Run(fmt.Sprintf("%d-connections", conns), func(t *testing.T) {
			for run := range runs {
				out, s := sendFreshCampaign(t, srv, conns, run, rows)
				if s.Sending != 0 || s.Sent != rows {
					t.Fatalf("run %d at %d connections: the journal holds %+v after the run returned; want all %d sent, none sending",
						run, conns, s.Counts, rows)
				}
				if out.Counts != s.Counts {
					t.Fatalf("run %d at %d connections: the run reported %+v, the journal holds %+v", run, conns, out.Counts, s.Counts)
				}
			}
		})
	}
}

// sendFreshCampaign sends rows new addresses through srv on a fresh
// journal and returns the run's outcome and the journal's summary, read
// by a journal opened afterwards.
func sendFreshCampaign(t *testing.T, srv *smtptest.Server, conns, run, rows int) (Outcome, journal.Summary) {
	t.Helper()
	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("Name,Email\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&list, "P%d,p%d.%d.%d@example.com\n", i, conns, run, i)
	}
	write(t, dir, "list.csv", list.String())
	write(t, dir, "body.txt", "Hi {{Name}}\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"),
		From: "shop@example.com", SMTP: "smtp+plain://" + srv.Addr(), Concurrency: conns, Journal: filepath.Join(dir, "j.db")}
	env := Env{DataDir: dir}
	plan, err := Prepare(context.Background(), c, env)
	if err != nil || !plan.Ready() {
		t.Fatalf("prepare: %v %v", err, plan.Problems)
	}
	out, err := plan.Send(context.Background(), env, SendOptions{})
	if err != nil {
		t.Fatalf("run %d: %v", run, err)
	}
	j, err := journal.Open(c.Journal)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	s, err := j.Summary(1)
	if err != nil {
		t.Fatal(err)
	}
	return out, s
}
