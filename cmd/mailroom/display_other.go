//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package main

// haveDisplay: Windows and macOS always have their desktop session's
// display when a user starts an app.
func haveDisplay() bool { return true }
