package ui

import (
	"os"
	"path/filepath"
	"runtime"
)

// fyneStorageRoot is the folder in which Fyne keeps each app's
// preferences and storage (one subfolder per app ID), as Fyne v2.7's
// internal/app computes it for desktop builds. A test checks it against a
// real Fyne app.
func fyneStorageRoot() string {
	switch runtime.GOOS {
	case "windows":
		home, _ := os.UserHomeDir()
		return filepath.Join(home, "AppData", "Roaming", "fyne")
	case "darwin":
		home, _ := os.UserHomeDir()
		return filepath.Join(home, "Library", "Preferences", "fyne")
	}
	config, _ := os.UserConfigDir()
	return filepath.Join(config, "fyne")
}
