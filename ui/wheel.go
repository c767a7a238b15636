package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// wheelAnywhere makes a scrolled form scroll with the mouse wheel wherever
// the pointer is. Fyne gives a wheel event to the deepest scrollable
// object under the pointer, and every text entry holds a scroller of its
// own, so over a field the wheel did nothing and a long form seemed stuck
// (issue 11). A transparent layer above the form takes the wheel only:
// it is neither tappable nor draggable, so clicks, typing and selection
// still reach the fields beneath it.
func wheelAnywhere(s *container.Scroll) fyne.CanvasObject {
	return container.NewStack(s, newWheelLayer(s))
}

// wheelLayer passes wheel events to its scroller.
type wheelLayer struct {
	widget.BaseWidget
	target *container.Scroll
}

func newWheelLayer(target *container.Scroll) *wheelLayer {
	w := &wheelLayer{target: target}
	w.ExtendBaseWidget(w)
	return w
}

// Scrolled scrolls the form.
func (w *wheelLayer) Scrolled(ev *fyne.ScrollEvent) { w.target.Scrolled(ev) }

// MinSize is nothing: the layer takes the size of what it covers.
func (w *wheelLayer) MinSize() fyne.Size { return fyne.Size{} }

// CreateRenderer draws nothing.
func (w *wheelLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}
