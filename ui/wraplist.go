package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// newWrappedList lists texts that wrap (problems, whose sentences name
// file, row and column): each item is as tall as its wrapped text at the
// list's width, so long texts never run into the next one. Fyne sizes
// list items from the template, so the height is set per item as it is
// shown (List.SetItemHeight), and again when the width changes.
//
// Each item's mark (✗, ⚠) stands in a column of its own, left of the
// text: joined to the text by a space, it was where Fyne broke a Chinese
// sentence (Fyne wraps at the last space that fits, and a Chinese
// sentence may have no other), leaving the mark alone on the first line.
func newWrappedList(length func() int, item func(i int) (mark, text string)) *widget.List {
	var l *widget.List
	l = widget.NewList(length,
		func() fyne.CanvasObject {
			mark := widget.NewLabel("")
			lab := widget.NewLabel("")
			lab.Wrapping = fyne.TextWrapWord
			return container.NewBorder(nil, nil, mark, nil, lab)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			lab, mark := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label)
			m, text := item(i)
			mark.SetText(m)
			if m == "" {
				mark.Hide()
			} else {
				mark.Show()
			}
			lab.SetText(text)
			if lab.Size().Width > 0 {
				// The item was laid out at the list's width before this
				// call: the label's minimum height is its wrapped height.
				l.SetItemHeight(i, lab.MinSize().Height)
			}
		})
	return l
}
