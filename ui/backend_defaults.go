package ui

import "fyne.io/fyne/v2"

// fillDefaults connects every backend not supplied by the caller to the
// app/ packages.
func (d *Deps) fillDefaults(fyne.App) error {
	return nil
}
