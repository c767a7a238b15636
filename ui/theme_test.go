package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestThemeForcesTheChosenVariant(t *testing.T) {
	test.NewTempApp(t)
	light := newMailroomTheme(themeLight, nil, nil).Color(theme.ColorNameBackground, theme.VariantDark)
	dark := newMailroomTheme(themeDark, nil, nil).Color(theme.ColorNameBackground, theme.VariantLight)
	if light != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight) {
		t.Error("light theme does not use light colours on a dark system")
	}
	if dark != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("dark theme does not use dark colours on a light system")
	}
	system := newMailroomTheme(themeSystem, nil, nil)
	if system.Color(theme.ColorNameBackground, theme.VariantDark) != dark {
		t.Error("following the system ignores the system's variant")
	}
}

func TestThemeUsesTheCJKFontForTextOnly(t *testing.T) {
	regular := fyne.NewStaticResource("cjk.otf", []byte("regular"))
	bold := fyne.NewStaticResource("cjk-bold.otf", []byte("bold"))
	th := newMailroomTheme(themeSystem, regular, bold)
	if th.Font(fyne.TextStyle{}) != regular || th.Font(fyne.TextStyle{Bold: true}) != bold {
		t.Error("regular or bold text does not use the CJK font")
	}
	if th.Font(fyne.TextStyle{Monospace: true}) == regular || th.Font(fyne.TextStyle{Symbol: true}) == regular {
		t.Error("monospace or symbols lost Fyne's fonts")
	}
	if newMailroomTheme(themeSystem, nil, nil).Font(fyne.TextStyle{}) != theme.DefaultTheme().Font(fyne.TextStyle{}) {
		t.Error("without a CJK font the default font is not used")
	}
}
