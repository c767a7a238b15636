package ui

import (
	"image/color"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// mailroomTheme is Fyne's default theme with two changes: the user may
// force light or dark, and text uses a system CJK font when one was found
// so Chinese renders with proper glyphs in both variants.
type mailroomTheme struct {
	fyne.Theme
	variant       string // themeSystem, themeLight or themeDark
	regular, bold fyne.Resource
}

func newMailroomTheme(variant string, regular, bold fyne.Resource) *mailroomTheme {
	return &mailroomTheme{Theme: theme.DefaultTheme(), variant: variant, regular: regular, bold: bold}
}

// Color applies the forced variant, if any.
func (t *mailroomTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case themeLight:
		v = theme.VariantLight
	case themeDark:
		v = theme.VariantDark
	}
	return t.Theme.Color(n, v)
}

// Font returns the CJK face for regular and bold text; monospace, symbols
// and italics keep Fyne's fonts, which fall back to system fonts per glyph.
func (t *mailroomTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace || s.Symbol || s.Italic || t.regular == nil:
		return t.Theme.Font(s)
	case s.Bold && t.bold != nil:
		return t.bold
	case s.Bold:
		return t.regular
	}
	return t.regular
}

// loadTextFonts finds the CJK font for this system unless the user chose
// a font through FYNE_FONT, which Fyne's default theme already honours.
func loadTextFonts() (regular, bold fyne.Resource) {
	if os.Getenv("FYNE_FONT") != "" {
		return nil, nil
	}
	loc := strings.ToLower(string(lang.SystemLocale()))
	if !strings.HasPrefix(loc, "zh") {
		// Only a Chinese window needs the CJK face for all its text; it
		// costs ~75 MB (two 16 MB faces and their parsed outlines). Chinese
		// names in an English window still render: Fyne finds a system
		// font for each glyph its own font lacks.
		return nil, nil
	}
	traditional := strings.Contains(loc, "hant") || strings.HasSuffix(loc, "-tw") || strings.HasSuffix(loc, "-hk") || strings.HasSuffix(loc, "-mo")
	return findCJKFonts(cjkCandidates(), traditional)
}
