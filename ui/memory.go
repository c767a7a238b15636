package ui

import (
	"runtime/debug"
	"sync/atomic"
)

// releasing is set while a release runs, so that bursts of calls (a list
// replaced while another is read) cost one.
var releasing atomic.Bool

// releaseMemory gives memory the program no longer uses back to the
// system, off the UI goroutine. Go returns freed memory to the system
// only gradually, so without it the window keeps the peak of an import
// (excelize's shared strings, the previous list) for minutes: 875 MB after
// two imports of a 100,000-row list instead of the ~450 MB one needs.
// Called when a large amount was just let go: after start-up, after an
// import, after a run.
func releaseMemory() {
	if !releasing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer releasing.Store(false)
		debug.FreeOSMemory()
	}()
}
