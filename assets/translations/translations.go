// Package translations embeds Mailroom's text catalogue: one JSON file per
// language (en.json, zh_Hans.json), keyed by the English text, plus
// fyne.zh_Hans.json, which overrides a few of Fyne's own Chinese words
// ("No" is 否, not 不; "OK" is 确定). Fyne's lang reads all of them; app/msg
// reads only the catalogue files. It imports
// nothing from Fyne, so the headless command can render the same texts
// (app/msg) without starting Fyne's locale machinery; the window registers
// the same files with fyne.io/fyne/v2/lang.
package translations

import "embed"

// FS holds the catalogue files at its root.
//
//go:embed *.json
var FS embed.FS
