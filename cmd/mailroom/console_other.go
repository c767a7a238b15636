//go:build !windows

package main

// attachParentConsole is needed on Windows only: elsewhere the binary
// always has the terminal's standard streams.
func attachParentConsole() {}
