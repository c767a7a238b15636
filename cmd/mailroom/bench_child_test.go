package main

import (
	"fmt"
	"os"

	"github.com/xuri/excelize/v2"
)

// The memory tests and benchmarks run this test binary as a child for two
// jobs, chosen by environment variables and done before TestMain builds
// anything: the bare excelize loop they compare with, and a launcher that
// measures another process (measure_linux_test.go).
const (
	bareLoopEnv = "MAILROOM_BENCH_BARE_LOOP"
	measureEnv  = "MAILROOM_MEASURE"
)

// benchChild does the job asked of this process, if any.
func benchChild() (code int, ok bool) {
	if os.Getenv(measureEnv) != "" {
		return launchMeasured(), true
	}
	if path := os.Getenv(bareLoopEnv); path != "" {
		return bareLoop(path), true
	}
	return 0, false
}

// bareLoop is excelize's own streaming iterator with default options and
// formatted values, and nothing else: the floor check and send are
// compared with. It runs in this binary because it links what mailroom
// links (the window's packages among them), so both start from the same
// resident size.
func bareLoop(path string) int {
	f, err := excelize.OpenFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	n := 0
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if len(cols) > 0 {
			n++
		}
	}
	if err := rows.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(n)
	return 0
}
