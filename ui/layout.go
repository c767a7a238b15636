package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newShareBorder lays out top, center and bottom like container.NewBorder,
// except that bottom never takes more than share of the height: beyond
// that it scrolls. In a Border an opened section at the bottom (the
// Compose page's attachments at 800×600) takes all the height it wants
// and squeezes the center (the body editor) to nothing; here the center
// always keeps the rest.
func newShareBorder(top, center, bottom fyne.CanvasObject, share float32) *fyne.Container {
	capped := newCappedScroll(bottom)
	return container.New(&shareBorder{top: top, center: center, capped: capped, share: share}, top, center, capped)
}

// newShareTop is newShareBorder with the capped part above the center
// and nothing fixed: the Send page's status (progress, summary) above its
// log.
func newShareTop(capped, center fyne.CanvasObject, share float32) *fyne.Container {
	c := newCappedScroll(capped)
	top := layout.NewSpacer()
	top.Hide()
	return container.New(&shareBorder{top: top, center: center, capped: c, share: share, above: true}, center, c)
}

type shareBorder struct {
	top, center fyne.CanvasObject
	capped      *cappedScroll
	share       float32
	above       bool // the capped part goes above the center
}

func (l *shareBorder) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	y := float32(0)
	if l.top.Visible() {
		h := l.top.MinSize().Height
		l.top.Move(fyne.NewPos(0, 0))
		l.top.Resize(fyne.NewSize(size.Width, h))
		y = h + pad
	}
	rest := max(size.Height-y, 0)
	l.capped.limit = rest * l.share
	capped := float32(0)
	if l.capped.content.Visible() {
		capped = l.capped.MinSize().Height
		l.capped.Show()
		l.capped.Resize(fyne.NewSize(size.Width, capped))
	} else {
		l.capped.Hide()
	}
	center := rest
	if capped > 0 {
		center = max(rest-capped-pad, 0)
	}
	if l.above {
		l.capped.Move(fyne.NewPos(0, y))
		l.center.Move(fyne.NewPos(0, size.Height-center))
	} else {
		l.capped.Move(fyne.NewPos(0, size.Height-capped))
		l.center.Move(fyne.NewPos(0, y))
	}
	l.center.Resize(fyne.NewSize(size.Width, center))
}

func (l *shareBorder) MinSize([]fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	// The center (a multi-line entry, a list) scrolls by itself: a few
	// lines of it are enough for the page to fit a small window.
	w, h := l.center.MinSize().Width, min(l.center.MinSize().Height, 5*theme.TextSize())
	if l.top.Visible() {
		t := l.top.MinSize()
		w, h = max(w, t.Width), h+t.Height+pad
	}
	if l.capped.content.Visible() {
		// The capped part scrolls: it needs its width and a little height.
		c := l.capped.content.MinSize()
		w, h = max(w, c.Width), h+min(c.Height, 3*theme.TextSize())+pad
	}
	return fyne.NewSize(w, h)
}

// cappedScroll scrolls content vertically once it is taller than limit
// (set by its container's layout). Its minimum height follows the
// content's up to the limit, so when the content grows (a section opens,
// a line appears) the window lays its container out again; a plain
// scroll's minimum never changes, and the container would keep the old
// split.
type cappedScroll struct {
	widget.BaseWidget
	content fyne.CanvasObject
	scroll  *container.Scroll
	limit   float32
}

func newCappedScroll(content fyne.CanvasObject) *cappedScroll {
	c := &cappedScroll{content: content, scroll: container.NewVScroll(content)}
	c.ExtendBaseWidget(c)
	return c
}

func (c *cappedScroll) MinSize() fyne.Size {
	m := c.content.MinSize()
	h := m.Height
	if c.limit > 0 {
		h = min(h, c.limit)
	}
	return fyne.NewSize(m.Width, h)
}

func (c *cappedScroll) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(c.scroll)
}

// scrollWhenSmall fills the space it gets like o, and scrolls o when the
// space is lower than o needs, so a page with many fields never makes
// the window grow by itself. It never scrolls sideways: a field cut off at
// the right edge is one the user does not find, so o must fit the width
// (its minimum width is the scroll's).
func scrollWhenSmall(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(o)
}

// withMinHeight is o with at least height h and o's own minimum width: a
// list of attachments shows a few lines without asking for a fixed width
// (a GridWrap cell's width is a minimum the pane must give).
func withMinHeight(o fyne.CanvasObject, h float32) fyne.CanvasObject {
	floor := canvas.NewRectangle(color.Transparent)
	floor.SetMinSize(fyne.NewSize(0, h))
	return container.NewStack(floor, o)
}

// flowButtons lays buttons out in cells as wide as the widest of them,
// as many to a line as fit and the rest on the next lines, so that in a
// narrow pane (800×600) every button stays whole and in sight instead of
// scrolling sideways out of it.
func flowButtons(buttons ...fyne.CanvasObject) *fyne.Container {
	var cell fyne.Size
	for _, b := range buttons {
		cell = cell.Max(b.MinSize())
	}
	return container.NewGridWrap(cell, buttons...)
}
