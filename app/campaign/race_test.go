//go:build race

package campaign

// raceEnabled: the race detector slows the stress tests about tenfold,
// and makes the interleavings they look for more frequent.
const raceEnabled = true
