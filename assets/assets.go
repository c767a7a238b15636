// Package assets embeds the files the window needs at run time: the
// application icon and the translations of every user-visible string.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"mailroom/assets/translations"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (also referenced by FyneApp.toml).
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// RegisterTranslations makes every embedded language available to
// fyne.io/fyne/v2/lang, which then picks the one closest to the user's
// locale.
func RegisterTranslations() error {
	files, err := translations.FS.ReadDir(".")
	if err != nil {
		return err
	}
	for _, f := range files {
		data, err := translations.FS.ReadFile(f.Name())
		if err != nil {
			return err
		}
		if err := lang.AddTranslations(fyne.NewStaticResource(f.Name(), data)); err != nil {
			return err
		}
	}
	return nil
}
