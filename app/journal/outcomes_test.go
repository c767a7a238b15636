package journal

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"mailroom/sender"
)

// TestNoQueuedOutcomeIsLostUnderLoad has eight workers mark rows sending
// and report them sent as fast as the journal lets them, with no network
// in between, then checks that Close made every outcome durable. Before
// issue 9's fix a MarkDone that arrived between the writer's "is anything
// queued?" and its "take what is queued" was taken and dropped: the row
// stayed "sending" although the run had returned without an error.
func TestNoQueuedOutcomeIsLostUnderLoad(t *testing.T) {
	rounds, rows := 8, 1000
	if raceEnabled {
		rounds, rows = 4, 500
	}
	if testing.Short() {
		rounds = 2
	}
	// More threads than cores: the scheduler then often stops the writer
	// between two steps, which is when the outcome was lost.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(16, runtime.NumCPU())))
	for round := range rounds {
		j := openTest(t)
		c, res := campaignWith(t, j, fmt.Sprint("load", round), rows)
		run := startRun(t, j, c.ID)
		keys := make(chan string)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range keys {
					if err := run.MarkSending(k, "m-"+k, ""); err != nil {
						t.Error(err)
						return
					}
					// A random few microseconds between the two calls sweep
					// the MarkDone across every moment of the writer's work.
					for end := time.Now().Add(time.Duration(rand.IntN(10)) * time.Microsecond); time.Now().Before(end); {
					}
					if err := run.MarkDone(sender.Result{Key: k, Outcome: sender.OutcomeSent, Attempts: 1, Code: 250, Reply: "250 ok"}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		for _, r := range res.Rows {
			keys <- r.Key
		}
		close(keys)
		wg.Wait()
		if err := run.Close(); err != nil {
			t.Fatal(err)
		}
		s, err := j.Summary(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Sending != 0 || s.Sent != rows {
			t.Fatalf("round %d: %+v after Close; want all %d rows sent, none sending", round, s.Counts, rows)
		}
	}
}
