package campaign

import (
	"sync"
	"time"

	"mailroom/app/journal"
	"mailroom/sender"
)

// RunStart is what a run found when it started: the campaign's rows of
// the list as the journal has them (after recovering rows a crashed run
// left sending) and how many messages it sends, counted by the same rule
// as Plan.Due.
type RunStart struct {
	// CampaignID is the campaign's ID in the journal at JournalPath.
	CampaignID  int64
	JournalPath string
	// Due is how many messages this run sends.
	Due int
	// Rows counts the list's rows by state before this run sent anything.
	Rows journal.Counts
}

// RunCounts is what one run did.
type RunCounts struct {
	Sent, Failed, Unknown int
}

// Total is how many messages the run finished.
func (c RunCounts) Total() int { return c.Sent + c.Failed + c.Unknown }

// RunProgress is a run's progress in terms of the whole campaign: a
// campaign resumed after 800 of 2,000 rows starts at 40 %, not at 0.
type RunProgress struct {
	// Campaign counts the list's rows as they stand: the journal at the
	// start of the run plus what the run did since (rows in flight count
	// as pending).
	Campaign journal.Counts
	// ThisRun is what this run did so far.
	ThisRun RunCounts
	// Due is how many messages this run set out to send; Left how many of
	// them are not finished.
	Due, Left int
	// PerMinute is the speed measured over the last minutes, 0 until it
	// has been measured over long enough to be true (see speedMeter).
	PerMinute float64
	// Limit is the pace the run keeps (the campaign's rate, else the
	// account's), zero when none; shown while PerMinute is not known yet.
	Limit sender.Rate
	// ETA is the time left: from the measured speed, else from Limit; 0
	// when neither is known.
	ETA          time.Duration
	Paused       bool
	WaitingUntil time.Time
	// Wait says why the run holds messages back now (sender.Progress.Wait).
	Wait sender.Wait
	// Last is the most recent row result.
	Last sender.Result
}

// Finished is the share of the campaign's rows that need nothing more
// from a run (sent, failed, unknown or skipped), from 0 to 1.
func (p RunProgress) Finished() float64 {
	total := p.Campaign.Total()
	if total == 0 {
		return 0
	}
	return float64(total-p.Campaign.Pending-p.Campaign.Sending) / float64(total)
}

// progressOf turns the engine's snapshot of this run into the campaign's
// progress.
func (s RunStart) progressOf(e sender.Progress, meter *speedMeter, limit sender.Rate, now time.Time) RunProgress {
	run := RunCounts{Sent: e.Sent, Failed: e.Failed, Unknown: e.Unknown}
	c := s.Rows
	c.Sent += run.Sent
	c.Failed += run.Failed
	c.Unknown += run.Unknown
	c.Pending = max(c.Pending-run.Total(), 0)
	left := max(e.Remaining, 0)
	p := RunProgress{Campaign: c, ThisRun: run, Due: s.Due, Left: left, Limit: limit,
		Paused: e.Paused, WaitingUntil: e.WaitingUntil, Wait: e.Wait, Last: e.Last}
	p.PerMinute = meter.observe(now, run.Total(), e.Paused, limit)
	switch {
	case left == 0:
	case p.PerMinute > 0:
		p.ETA = time.Duration(float64(left) / p.PerMinute * float64(time.Minute))
	case limit.N > 0:
		p.ETA = time.Duration(left) * limit.Per / time.Duration(limit.N)
	}
	return p
}

// speedMeter measures how many messages a minute a run finishes over a
// sliding window, and says nothing until the window is long enough to be
// true: a 4-message run at 30/min is over in 6 seconds, and 4 messages in
// 6 seconds is not "40 per minute". Time spent paused is not counted.
type speedMeter struct {
	mu      sync.Mutex
	samples []speedSample
}

type speedSample struct {
	at   time.Time
	done int
}

const (
	// speedWindow is how far back the speed is measured.
	speedWindow = 3 * time.Minute
	// minSpeedSpan is the shortest span the speed is measured over; with
	// a rate limit it is at least five of its intervals.
	minSpeedSpan = 20 * time.Second
	// minSpeedCount is how many messages the span must hold.
	minSpeedCount = 5
)

// observe records that done messages were finished at now and returns
// the speed in messages per minute, or 0 when not measured long enough.
func (m *speedMeter) observe(now time.Time, done int, paused bool, limit sender.Rate) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if paused {
		// A pause would read as a slowdown; measure afresh after it.
		m.samples = m.samples[:0]
		return 0
	}
	if n := len(m.samples); n == 0 || m.samples[n-1].done != done {
		m.samples = append(m.samples, speedSample{at: now, done: done})
	}
	for len(m.samples) > 2 && now.Sub(m.samples[1].at) >= speedWindow {
		m.samples = m.samples[1:]
	}
	first, last := m.samples[0], m.samples[len(m.samples)-1]
	span := last.at.Sub(first.at)
	need := minSpeedSpan
	if limit.N > 0 {
		need = max(need, 5*limit.Per/time.Duration(limit.N))
	}
	if span < need || last.done-first.done < minSpeedCount {
		return 0
	}
	return float64(last.done-first.done) / span.Minutes()
}

// progressFunc is the engine's progress callback for the caller's
// choices: the engine's own snapshots, the campaign's, or both.
func progressFunc(opts SendOptions, start RunStart, p *Plan) func(sender.Progress) {
	if opts.RunProgress == nil {
		return opts.Progress
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	limit, _ := p.rate()
	meter := &speedMeter{}
	return func(e sender.Progress) {
		if opts.Progress != nil {
			opts.Progress(e)
		}
		opts.RunProgress(start.progressOf(e, meter, limit, now()))
	}
}
