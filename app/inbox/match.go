package inbox

import (
	"slices"
	"strconv"
	"strings"

	"mailroom/app/journal"
	"mailroom/app/recipients"
)

// index finds a campaign's rows by Message-ID, address and key.
type index struct {
	byID      map[string]string   // lower-cased Message-ID → row key
	byAddress map[string][]string // lower-cased address → row keys
	rows      map[string]journal.Row
}

func newIndex(rows []journal.Row) *index {
	ix := &index{byID: map[string]string{}, byAddress: map[string][]string{}, rows: map[string]journal.Row{}}
	for _, r := range rows {
		ix.rows[r.Key] = r
		if r.MessageID != "" {
			ix.byID[strings.ToLower(r.MessageID)] = r.Key
		}
		for _, a := range rowAddresses(r) {
			ix.byAddress[a] = append(ix.byAddress[a], r.Key)
		}
	}
	return ix
}

// rowAddresses splits a row's address cell ("a@x, b@y" for a message
// sent to several people together).
func rowAddresses(r journal.Row) []string {
	var out []string
	for _, a := range strings.FieldsFunc(strings.ToLower(r.Address), func(c rune) bool {
		return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n'
	}) {
		if strings.Contains(a, "@") {
			out = append(out, strings.Trim(a, "<>"))
		}
	}
	return out
}

// byMessageID returns the row whose message one of ids names.
func (ix *index) byMessageID(ids []string) (string, bool) {
	for _, id := range ids {
		if k, ok := ix.byID[strings.ToLower(id)]; ok {
			return k, true
		}
	}
	return "", false
}

// sentTo returns the rows whose message went to addr and was handed to
// the server (sent or unknown): a bounce or an automatic reply matched
// by address alone cannot be about a row never sent.
func (ix *index) sentTo(addr string) []string {
	var out []string
	for _, k := range ix.byAddress[strings.ToLower(addr)] {
		if s := ix.rows[k].State; s == journal.StateSent || s == journal.StateUnknown {
			out = append(out, k)
		}
	}
	return out
}

// match is one finding matched to a row.
type match struct {
	obs journal.Observation
	// suppress is the address to put on the do-not-send list, if any.
	suppress string
}

// matchFinding turns a finding into observations of this campaign's
// rows; none when it is about mail the campaign did not send.
func (ix *index) matchFinding(f Finding) []match {
	obs := journal.Observation{At: f.At, Source: f.Source}
	var keys []string
	key, byID := ix.byMessageID(f.MessageIDs)
	switch f.Kind {
	case Bounce:
		obs.Kind = journal.ObservedBounceSoft
		if f.Hard {
			obs.Kind = journal.ObservedBounceHard
		}
		obs.Status = f.Status
		if obs.Status == "" && f.Code != 0 {
			obs.Status = strconv.Itoa(f.Code)
		}
		obs.Detail = f.Diagnostic
		if f.Recipient != "" {
			// One report may list several recipients: the source is per
			// recipient, so each is recorded.
			obs.Source += "/" + f.Recipient
		}
		switch {
		case byID && (f.Recipient == "" || slices.Contains(rowAddresses(ix.rows[key]), f.Recipient)):
			keys = []string{key}
		case byID:
			return nil // a Cc or Bcc of that message bounced, not the row's recipient
		case f.Recipient != "":
			keys = ix.sentTo(f.Recipient)
		}
	case Reply:
		if !byID {
			return nil
		}
		obs.Kind, obs.Detail, keys = journal.ObservedReply, f.Subject, []string{key}
	case AutoReply:
		obs.Kind, obs.Detail = journal.ObservedAutoReply, f.Subject
		if byID {
			keys = []string{key}
		} else {
			keys = ix.sentTo(f.Recipient)
		}
	case Unsubscribe:
		obs.Kind, obs.Detail = journal.ObservedUnsubscribe, f.Subject
		// The key as recipients.RowKey writes it, even if a mail client
		// rewrote the subject (case, a domain shown in Unicode).
		addrs, n := recipients.SplitRowKey(strings.TrimSpace(f.Key))
		switch k := recipients.RowKey(addrs, n); {
		case ix.rows[k].Key != "":
			keys = []string{k}
		case byID:
			keys = []string{key}
		default:
			keys = ix.sentTo(f.Recipient)
		}
	}
	out := make([]match, 0, len(keys))
	for _, k := range keys {
		o := obs
		o.Key = k
		o.ProvesSent = byID && k == key
		m := match{obs: o}
		switch {
		case o.Kind == journal.ObservedBounceHard && f.Recipient != "":
			m.suppress = f.Recipient
		case o.Kind == journal.ObservedBounceHard:
			m.suppress = firstOf(rowAddresses(ix.rows[k]))
		case o.Kind == journal.ObservedUnsubscribe:
			// The sender, when the row was sent to them; else the row's
			// address, which the request names (its key came from the
			// link in the message sent to it).
			m.suppress = f.Recipient
			if !slices.Contains(rowAddresses(ix.rows[k]), strings.ToLower(f.Recipient)) {
				m.suppress = firstOf(rowAddresses(ix.rows[k]))
			}
		}
		out = append(out, m)
	}
	return out
}

func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}
