// Command mailroom is the Mailroom desktop app; with a subcommand
// (send, check, preview) it runs the same pipeline without the window.
package main

import (
	"os"

	"mailroom/app/headless"
)

func main() {
	if headless.IsCommand(os.Args[1:]) {
		os.Exit(headless.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	openWindow()
}
