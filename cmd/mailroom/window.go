package main

import (
	"fmt"
	"os"

	"mailroom/ui"
)

// openWindow starts the GUI and returns when the user closes it.
func openWindow() {
	if err := ui.Run(ui.Deps{}); err != nil {
		fmt.Fprintln(os.Stderr, "mailroom:", err)
		os.Exit(1)
	}
}
