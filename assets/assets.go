// Package assets embeds the files the window needs at run time: the
// application icon and the translations of every user-visible string.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// TranslationsDir is the folder inside Translations holding one JSON file
// per language, named after its language tag (en.json, zh_Hans.json).
const TranslationsDir = "translations"

// Translations holds the translation files; keys are the English texts.
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (also referenced by FyneApp.toml).
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// RegisterTranslations makes every embedded language available to
// fyne.io/fyne/v2/lang, which then picks the one closest to the user's
// locale.
func RegisterTranslations() error {
	return lang.AddTranslationsFS(Translations, TranslationsDir)
}
