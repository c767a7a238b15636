// Command mailroom is the Mailroom desktop app; with a subcommand
// (send, check, preview) it runs the same pipeline without the window.
package main

import (
	"fmt"
	"os"

	// Before Fyne's lang package reads the locale: see the package comment.
	_ "mailroom/cmd/mailroom/internal/clocale"

	"mailroom/app/headless"
)

func main() {
	args := os.Args[1:]
	if headless.IsCommand(args) {
		attachParentConsole()
		os.Exit(headless.Main(args, os.Stdin, os.Stdout, os.Stderr))
	}
	if !haveDisplay() {
		attachParentConsole()
		fmt.Fprintln(os.Stderr, noDisplayMessage)
		os.Exit(headless.ExitUsage)
	}
	openWindow()
}

// noDisplayMessage is the whole output of `mailroom` without a graphical
// display (an SSH session, a container, cron): one line saying what to do
// instead of GLFW's panic.
const noDisplayMessage = `mailroom: no graphical display: use "mailroom send|check|preview", see "mailroom --help"`
