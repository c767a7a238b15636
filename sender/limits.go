package sender

import (
	"sync"
	"time"
)

// bucket is a token bucket in its GCRA form: tat is the theoretical
// arrival time of the next message at the configured pace. Messages may
// run up to burst-1 intervals ahead of it.
type bucket struct {
	mu       sync.Mutex
	interval time.Duration
	burst    int
	tat      time.Time
}

func newBucket(r Rate) *bucket {
	if r.N == 0 {
		return nil
	}
	return &bucket{interval: r.interval(), burst: r.Burst}
}

// resume carries the pace across a restart: the bucket forgets everything
// when the process ends, but the Store remembers the sends, so when any
// message went out within the last interval the first slot of this run is
// one interval away, as if the previous run had kept going.
func (b *bucket) resume(store Store, now time.Time) error {
	if b == nil {
		return nil
	}
	n, err := store.SentSince(now.Add(-b.interval))
	if err != nil || n == 0 {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// With a burst of k, k-1 messages may run ahead of tat: start the run
	// with the burst already used.
	b.tat = now.Add(time.Duration(b.burst) * b.interval)
	return nil
}

// reserve takes the next slot and returns how long to wait for it.
func (b *bucket) reserve(now time.Time) time.Duration {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tat.Before(now) {
		b.tat = now
	}
	wait := b.tat.Sub(now) - time.Duration(b.burst-1)*b.interval
	b.tat = b.tat.Add(b.interval)
	return max(wait, 0)
}

// dailyCap enforces "at most limit messages in any 24 hours". It asks the
// Store once, then counts this run's sends itself, and asks again only
// when its own count says the cap is reached: sends older than 24 hours
// may have left the window meanwhile.
type dailyCap struct {
	mu       sync.Mutex
	limit    int
	store    Store
	clock    Clock
	known    bool
	counted  int // sends in the window per the Store, plus this run's since
	inFlight int // reserved by messages between MarkSending and MarkDone
}

const capWindow = 24 * time.Hour

// reserve claims room for one message. ok is false when the cap is
// reached; resumeAt then says when room frees up (zero if unknown).
func (d *dailyCap) reserve() (ok bool, resumeAt time.Time, err error) {
	if d == nil {
		return true, time.Time{}, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.known || d.counted+d.inFlight >= d.limit {
		n, err := d.store.SentSince(d.clock.Now().Add(-capWindow))
		if err != nil {
			return false, time.Time{}, err
		}
		d.counted, d.known = n, true
	}
	if d.counted+d.inFlight >= d.limit {
		resumeAt, err := d.resumeTime()
		return false, resumeAt, err
	}
	d.inFlight++
	return true, time.Time{}, nil
}

// release settles a reservation; counts says whether the message may
// have reached the server (sent or unknown), as the journal counts it.
func (d *dailyCap) release(counts bool) {
	if d == nil {
		return
	}
	d.mu.Lock()
	d.inFlight--
	if counts {
		d.counted++
	}
	d.mu.Unlock()
}

// resumeTime is when the window next holds fewer than limit sends,
// counting the reservations in flight; d.mu is held.
func (d *dailyCap) resumeTime() (time.Time, error) {
	return windowFrees(d.store, d.clock.Now(), d.limit-d.inFlight)
}

// windowFrees finds, to the minute, the earliest moment the rolling
// 24-hour window holds fewer than room sends: the Store only answers "how
// many since t", so it bisects over the last 24 hours (about 11 queries).
// Zero means the last instant alone holds room or more.
func windowFrees(store Store, now time.Time, room int) (time.Time, error) {
	lo, hi := now.Add(-capWindow), now // SentSince(hi) <= SentSince(lo)
	if n, err := store.SentSince(hi); err != nil || n >= room {
		return time.Time{}, err // the cap is exhausted by the last instant alone
	}
	for hi.Sub(lo) > time.Minute {
		mid := lo.Add(hi.Sub(lo) / 2)
		n, err := store.SentSince(mid)
		if err != nil {
			return time.Time{}, err
		}
		if n < room {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi.Add(capWindow).Truncate(time.Minute).Add(time.Minute), nil
}

// chinaTime is Beijing time, the clock NetEase's "当天" (that day) runs
// on; China has no summer time, so a fixed zone needs no tz database.
var chinaTime = time.FixedZone("CST", 8*60*60)

// quotaResets says when a provider's daily limit lifts. NetEase's
// MI:STC/RP:TRC refuse the sender "for the rest of the day": the next
// midnight, Beijing time. Gmail's and Microsoft's limits are rolling 24
// hours: sending resumes 24 hours after the first message of the window,
// found from the sends the Store holds (this account's, through
// Mailroom); with none there, 24 hours from now. The provider may count
// mail sent by other means too, so this is the earliest it can be.
func quotaResets(store Store, now time.Time, lim Limit) (time.Time, error) {
	if lim.Provider == ProviderNetEase {
		day := now.In(chinaTime)
		return time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, chinaTime), nil
	}
	n, err := store.SentSince(now.Add(-capWindow))
	if err != nil {
		return time.Time{}, err
	}
	if n > 0 {
		// The window holds fewer than n sends once its first one left it.
		if t, err := windowFrees(store, now, n); err != nil || !t.IsZero() {
			return t, err
		}
	}
	return now.Add(capWindow).Truncate(time.Minute).Add(time.Minute), nil
}
