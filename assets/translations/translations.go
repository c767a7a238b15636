// Package translations embeds Mailroom's text catalogue: one JSON file per
// language (en.json, zh_Hans.json), keyed by the English text. It imports
// nothing from Fyne, so the headless command can render the same texts
// (app/msg) without starting Fyne's locale machinery; the window registers
// the same files with fyne.io/fyne/v2/lang.
package translations

import "embed"

// FS holds the catalogue files at its root.
//
//go:embed *.json
var FS embed.FS
