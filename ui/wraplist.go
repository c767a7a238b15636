package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// newWrappedList lists texts that wrap (problems, whose sentences name
// file, row and column): each item is as tall as its wrapped text at the
// list's width, so long texts never run into the next one. Fyne sizes
// list items from the template, so the height is set per item as it is
// shown (List.SetItemHeight), and again when the width changes.
func newWrappedList(length func() int, text func(i int) string) *widget.List {
	var l *widget.List
	l = widget.NewList(length,
		func() fyne.CanvasObject {
			lab := widget.NewLabel("")
			lab.Wrapping = fyne.TextWrapWord
			return lab
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			lab := o.(*widget.Label)
			lab.SetText(text(i))
			if lab.Size().Width > 0 {
				// The item was laid out at the list's width before this
				// call: the label's minimum height is its wrapped height.
				l.SetItemHeight(i, lab.MinSize().Height)
			}
		})
	return l
}
