package sender

import (
	"container/heap"
	"fmt"
	"time"
)

// deliver takes one row to a final outcome, or puts it back (retry,
// cool-down) or leaves it pending (run stopped). true means this worker
// retires: the server limits how many connections the account may have.
func (r *run) deliver(conn *smtpConn, j *job) (retire bool) {
	if j.env.from == "" { // first time this row is seen
		if err := prepare(&j.msg, &j.env); err != nil {
			r.refuse(j, err)
			return false
		}
	}
	staleRetried, signedInAgain := false, false
	for {
		if !r.waitTurn(conn) {
			r.leavePending(j)
			return false
		}
		// Only while the row is pending in the Store: never tried, or put
		// back to pending after a stale connection or a renewed login.
		if w, ok := r.src.(Withdrawer); ok && j.attempts == 0 {
			gone, err := w.Withdraw(r.ctx, j.msg)
			if err != nil {
				r.stop(stop(ErrSource, "", err))
				r.leavePending(j)
				return false
			}
			if gone {
				return false
			}
		}
		// Right before sending, also on retries: go-mail would silently
		// leave out a file that vanished.
		if err := checkFiles(j.msg.Files); err != nil {
			r.refuse(j, err)
			return false
		}
		ok, resumeAt, err := r.cap.reserve()
		if err != nil {
			r.stop(stop(ErrJournal, "", fmt.Errorf("daily cap: %w", err)))
			r.leavePending(j)
			return false
		}
		if !ok {
			se := stop(ErrDailyCap, "", fmt.Errorf("%d messages in the last 24 hours", r.cfg.dailyCap))
			se.ResumeAt, se.Limit = resumeAt, Limit{Kind: LimitCap}
			r.stop(se)
			r.leavePending(j)
			return false
		}
		if cerr := conn.ensure(r.ctx); cerr != nil {
			r.cap.release(false)
			return r.connectFailed(conn, j, cerr)
		}
		// The journal's durable commit overlaps MAIL and RCPT, which
		// deliver nothing by themselves; send waits for it before DATA.
		mark := r.markSending(j)
		j.attempts++
		a := conn.send(j.msg.Mail, &j.env, mark.wait)
		// Also when the transaction failed before DATA: the Store takes a
		// row's MarkDone only after its MarkSending returned.
		if err := mark.wait(); err != nil {
			r.cap.release(false)
			r.stop(stop(ErrJournal, "", err))
			r.leavePending(j)
			return false
		}
		r.cap.release(a.verdict == verdictSent || a.verdict == verdictUnknown)
		if a.stale && !staleRetried {
			// The server closed the idle connection: reconnect and try
			// again at once; this attempt does not count. The row goes
			// back to pending first: if the reconnection fails for good,
			// it was never sent.
			staleRetried = true
			j.attempts--
			if !r.markPending(j, a) {
				return false
			}
			continue
		}
		if a.verdict == verdictAuthStop && !signedInAgain && conn.signInAgain() {
			// The server stopped accepting the session's login (an access
			// token expired under it): log in again with a renewed one;
			// this attempt does not count either. The row goes back to
			// pending first: if no login succeeds, it was never sent.
			signedInAgain = true
			j.attempts--
			if !r.markPending(j, a) {
				return false
			}
			continue
		}
		return r.settle(conn, j, a)
	}
}

// journalMark is a MarkSending running alongside the first commands of
// its transaction.
type journalMark struct {
	done chan struct{}
	err  error
}

// markSending starts the row's durable MarkSending in its own goroutine.
func (r *run) markSending(j *job) *journalMark {
	m := &journalMark{done: make(chan struct{})}
	key, id, hash := j.msg.Key, j.env.messageID, j.msg.Hash
	go func() {
		m.err = r.e.store.MarkSending(key, id, hash)
		close(m.done)
	}()
	return m
}

// wait returns MarkSending's result once it has returned. It does not
// give up when the run is cancelled: the row's MarkDone, and the decision
// to send DATA, both need that result.
func (m *journalMark) wait() error {
	<-m.done
	return m.err
}

// settle acts on an attempt's verdict; true means this worker retires.
func (r *run) settle(conn *smtpConn, j *job, a attempt) (retire bool) {
	switch a.verdict {
	case verdictSent:
		r.resetStrikes()
		r.finish(j, OutcomeSent, a, nil)
	case verdictPermanent:
		r.resetStrikes()
		r.finish(j, OutcomeFailed, a, nil)
		r.noteRefusal(a)
	case verdictUnknown:
		r.finish(j, OutcomeUnknown, a, nil)
	case verdictTemporary:
		if j.attempts > r.cfg.retries {
			r.finish(j, OutcomeFailed, a, nil)
			return false
		}
		if r.markPending(j, a) {
			r.putBack(j, r.cfg.backoff.delay(j.attempts))
		}
	case verdictReconnect:
		// The server ends connections after so many messages: the next
		// attempt opens a new one at once. Not the row's fault, and no
		// cool-down: a new connection that is refused or answered 421
		// before its first message is what cools down (pacing.go).
		j.attempts--
		if r.markPending(j, a) {
			r.putBack(j, 0)
		}
	case verdictUnavailable:
		j.attempts--
		if r.markPending(j, a) {
			r.serverUnavailable(j, a.reply, fmt.Errorf("the server answered %s", a.reply))
		}
	case verdictThrottle:
		j.attempts-- // the account's limit, not this row's fault
		if r.markPending(j, a) {
			return r.throttled(conn, j, a.reply, a.limit)
		}
	case verdictQuotaStop:
		j.attempts--
		if r.markPending(j, a) {
			r.quotaStop(j, a.reply, a.limit)
		}
	case verdictAuthStop:
		j.attempts--
		if r.markPending(j, a) {
			r.stop(stop(ErrAuth, a.reply, nil))
			r.leavePending(j)
		}
	}
	return false
}

func (r *run) resetStrikes() {
	r.mu.Lock()
	r.throttles, r.throttledSince, r.failures = 0, time.Time{}, 0
	r.mu.Unlock()
}

// connectFailed handles a failed connection before the row's
// transaction: the row is not charged an attempt. A throttle or a quota
// can also show here (a refused greeting, EHLO or AUTH).
func (r *run) connectFailed(conn *smtpConn, j *job, cerr *connectError) (retire bool) {
	if r.stopped() {
		r.leavePending(j)
		return false
	}
	switch p, lim := cerr.pacing(); p {
	case pacingThrottle:
		return r.throttled(conn, j, cerr.reply, lim)
	case pacingQuota:
		r.quotaStop(j, cerr.reply, lim)
		return false
	}
	if cerr.fatal != nil {
		r.stop(stop(cerr.fatal, cerr.reply, cerr.err))
		r.leavePending(j)
		return false
	}
	r.serverUnavailable(j, cerr.reply, cerr.err)
	return false
}

// throttled handles a server's short-term limit: the row goes back to the
// queue, uncharged. A limit on connections while others are open retires
// this connection; otherwise every connection pauses, longer after each
// throttle in a row (Throttle), and the run stops with ErrThrottled once
// the series has lasted longer than Throttle.GiveUp.
func (r *run) throttled(conn *smtpConn, j *job, reply string, lim Limit) (retire bool) {
	now := r.cfg.clock.Now()
	r.mu.Lock()
	if lim.Kind == LimitConnections && r.active > 1 {
		// Under the lock that next() decides "done" with: a worker that
		// is still active takes the row.
		r.active--
		j.due = now
		heap.Push(&r.queue, j)
		waiting := r.queue.Len()
		r.mu.Unlock()
		conn.quit()
		r.prog.update(func(p *Progress) { p.Retrying = waiting })
		return true
	}
	if r.coolUntil.After(now) && r.coolWait.Reason == WaitThrottle {
		// Another connection already paused the run for this throttle.
		r.mu.Unlock()
		r.putBack(j, 0)
		return false
	}
	r.throttles++
	if r.throttledSince.IsZero() {
		r.throttledSince = now
	}
	wait := r.cfg.throttle.delay(r.throttles)
	until := now.Add(wait)
	if until.Sub(r.throttledSince) > r.cfg.throttle.GiveUp {
		r.mu.Unlock()
		r.stop(&StopError{Reason: ErrThrottled, Reply: reply, ResumeAt: until, Limit: lim})
		r.leavePending(j)
		return false
	}
	r.coolDown(wait, Wait{Reason: WaitThrottle, Limit: lim, Reply: reply})
	r.mu.Unlock()
	r.putBack(j, 0)
	return false
}

// quotaStop stops the run on the account's daily limit, with the time it
// resets (quotaResets).
func (r *run) quotaStop(j *job, reply string, lim Limit) {
	se := stop(ErrQuota, reply, nil)
	se.Limit = lim
	resumeAt, err := quotaResets(r.e.store, r.cfg.clock.Now(), lim)
	if err != nil {
		se = stop(ErrJournal, "", fmt.Errorf("daily limit: %w", err))
	}
	se.ResumeAt = resumeAt
	r.stop(se)
	r.leavePending(j)
}

// noteRefusal counts rows refused in a row with the same reply and
// pauses or stops the run when they reach the spike (WithErrorSpike).
func (r *run) noteRefusal(a attempt) {
	if r.cfg.spike <= 0 || a.code == 0 {
		return
	}
	sig := replySignature(a.code, a.reply)
	r.mu.Lock()
	if sig != r.spikeSig {
		r.spikeSig, r.spikeN = sig, 0
	}
	r.spikeN++
	n := r.spikeN
	if n < r.cfg.spike {
		r.mu.Unlock()
		return
	}
	r.spikeN = 0
	r.mu.Unlock()
	if !r.cfg.spikePause {
		r.stop(&StopError{Reason: ErrErrorSpike, Reply: a.reply, Failures: n})
		return
	}
	r.e.Pause()
	r.prog.update(func(p *Progress) { p.Wait = Wait{Reason: WaitErrorSpike, Reply: a.reply, Failures: n} })
}

// serverUnavailable cools the run down after a connection that could not
// be opened or was turned away before its first message, and stops it
// with ErrUnreachable after more consecutive failures than retries. The
// row goes back to the queue.
func (r *run) serverUnavailable(j *job, reply string, err error) {
	r.mu.Lock()
	r.failures++
	failures := r.failures
	r.mu.Unlock()
	if failures > r.cfg.retries {
		r.stop(stop(ErrUnreachable, reply, err))
		r.leavePending(j)
		return
	}
	r.mu.Lock()
	r.coolDown(r.cfg.backoff.delay(failures), Wait{Reason: WaitUnavailable, Reply: reply})
	r.mu.Unlock()
	r.putBack(j, 0)
}

// refuse fails a row the engine will not send. The journal only accepts
// an outcome for a row marked sending, so the refusal is bracketed by
// MarkSending; nothing goes to the server.
func (r *run) refuse(j *job, err error) {
	if serr := r.e.store.MarkSending(j.msg.Key, j.msg.MessageID, j.msg.Hash); serr != nil {
		r.stop(stop(ErrJournal, "", serr))
		r.leavePending(j)
		return
	}
	r.finish(j, OutcomeFailed, attempt{reply: err.Error()}, err)
}

// markPending records that an attempt left the row unsent (temporary
// failure, quota): sending→pending in the journal. false means the
// journal failed and the run is stopping.
func (r *run) markPending(j *job, a attempt) bool {
	res := r.result(j, OutcomeNotAttempted, a, nil)
	if err := r.e.store.MarkDone(res); err != nil {
		r.stop(stop(ErrJournal, "", err))
		r.leavePending(j)
		return false
	}
	return true
}

// leavePending counts a row the stopped run did not finish.
func (r *run) leavePending(*job) {
	r.mu.Lock()
	r.sum.Pending++
	r.mu.Unlock()
}

// finish records a final outcome.
func (r *run) finish(j *job, o Outcome, a attempt, refused error) {
	res := r.result(j, o, a, refused)
	if err := r.e.store.MarkDone(res); err != nil {
		r.stop(stop(ErrJournal, "", err))
	}
	r.mu.Lock()
	switch o {
	case OutcomeSent:
		r.sum.Sent++
	case OutcomeFailed:
		r.sum.Failed++
	case OutcomeUnknown:
		r.sum.Unknown++
	}
	r.mu.Unlock()
	r.prog.update(func(p *Progress) {
		switch o {
		case OutcomeSent:
			p.Sent++
		case OutcomeFailed:
			p.Failed++
		case OutcomeUnknown:
			p.Unknown++
		}
		p.Last = res
	})
}

func (r *run) result(j *job, o Outcome, a attempt, refused error) Result {
	return Result{
		Key: j.msg.Key, Outcome: o, MessageID: j.env.messageID, Reply: a.reply, Code: a.code,
		Attempts: j.attempts, At: r.cfg.clock.Now(), Err: refused,
	}
}
