package ui

import (
	"context"

	"fyne.io/fyne/v2/lang"

	"mailroom/app/campaign"
)

// DeliveryStates says how far each row of a campaign got, once it ran.
type DeliveryStates interface {
	// RowStates returns the journal's state of each spreadsheet row of
	// the campaign saved at d.Path, known as d.File when that is set (by
	// row number): "sent", "failed",
	// "unknown", "pending"…; nil when the campaign never ran.
	RowStates(ctx context.Context, d Draft) (map[int]string, error)
}

// RowStates reads the campaign's journal without changing it.
func (b *campaignBackend) RowStates(_ context.Context, d Draft) (map[int]string, error) {
	if d.Path == "" {
		return nil, nil
	}
	c, err := campaign.LoadAs(d.Path, d.File)
	if err != nil {
		return nil, err
	}
	states, err := c.RowStates(b.env)
	if err != nil || states == nil {
		return nil, err
	}
	out := make(map[int]string, len(states))
	for n, s := range states {
		out[n] = string(s)
	}
	return out, nil
}

// recipientsDelivery is the Recipients table's "Delivery" column: each
// row's state in the journal once the campaign has run. It is kept apart
// from the import so a new list or a run refreshes it on its own.
type recipientsDelivery struct {
	source DeliveryStates
	// states is nil until the campaign has run: the column is hidden.
	states map[int]string
	// asked counts requests, so an older answer never replaces a newer.
	asked int
}

// deliveryColumn is the column's index when shown: after row and state.
const deliveryColumn = 2

// extraColumns is how many columns the delivery adds (0 or 1).
func (v *recipientsView) extraColumns() int {
	if v.delivery.states == nil {
		return 0
	}
	return 1
}

// deliveryCell is the column's text for spreadsheet row n.
func (v *recipientsView) deliveryCell(n int) string {
	s, ok := v.delivery.states[n]
	if !ok {
		return lang.L("not sent yet")
	}
	return stateLabel(s)
}

// refreshDelivery reads the rows' states off the UI goroutine, for the
// campaign as last saved (d.Path). A campaign that never ran has no
// column.
func (v *recipientsView) refreshDelivery(d Draft) {
	if v.delivery.source == nil {
		return
	}
	v.delivery.asked++
	asked := v.delivery.asked
	v.bridge.run(func() func() {
		states, err := v.delivery.source.RowStates(context.Background(), d)
		return func() {
			if asked != v.delivery.asked || err != nil {
				return // a newer request is under way, or nothing to show
			}
			before := v.extraColumns()
			v.delivery.states = states
			if v.extraColumns() != before && v.shown != nil {
				v.show(v.shown) // the data columns moved: widths again
			}
			v.table.Refresh()
		}
	})
}
