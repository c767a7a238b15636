//go:build !unix

package recipients

import "time"

// cpuTime is unavailable here; the CPU ratio then reads 0 (NaN guarded).
func cpuTime() time.Duration { return 0 }
