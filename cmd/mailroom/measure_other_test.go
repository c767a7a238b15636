//go:build !linux

package main

import (
	"fmt"
	"os"
)

// launchMeasured measures on Linux only (measure_linux_test.go).
func launchMeasured() int {
	fmt.Fprintln(os.Stderr, "launcher: peak memory is measured on Linux only")
	return 125
}
