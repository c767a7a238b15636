package ui

import "time"

// connectSendAndHistory lets the Send page and History follow each other:
// History refreshes while a run writes the journal and selects the
// campaign when it ends; the Send page acts on a run's rows through
// History's backend and sends the user to History to decide about
// unknown rows; a decision in History makes the last check stale.
func (m *mainWindow) connectSendAndHistory() {
	s, h := m.send, m.history
	s.rows = m.deps.History
	s.onFinished = func(id string) {
		h.showCampaign(id)
		if m.deps.Mailbox != nil && id != "" {
			h.checkMailbox(id)
		}
		m.showDelivery()
	}
	s.onProgress = func(id string) {
		h.refreshDuringRun(id)
		m.showDeliveryDuringRun()
	}
	s.onDecide = func(id string) {
		h.showCampaignRows(id, "unknown")
		m.showPage(m.historyTab)
	}
	h.onChanged = func() {
		s.invalidate()
		m.showDelivery()
	}
}

// connectDelivery gives the Recipients table its journal column: read
// when a list is shown, during a run and after it.
func (m *mainWindow) connectDelivery() {
	ds, ok := m.deps.Runner.(DeliveryStates)
	if !ok || m.recipients == nil {
		return
	}
	m.recipients.delivery.source = ds
	m.doc.onList(m.showDelivery)
	m.doc.onReplaced(func() { m.recipients.delivery.states = nil })
}

// showDelivery reads the rows' journal states of the campaign as last
// saved, the file a run reads (its own or the autosaved draft).
func (m *mainWindow) showDelivery() {
	if m.recipients == nil {
		return
	}
	snapshot, file := m.snapshotPaths()
	m.lastDelivery = time.Now()
	m.recipients.refreshDelivery(Draft{Path: snapshot, File: file})
}

// showDeliveryDuringRun refreshes the column at most every few seconds.
func (m *mainWindow) showDeliveryDuringRun() {
	if time.Since(m.lastDelivery) >= historyRefreshEvery {
		m.showDelivery()
	}
}
