package campaign

import (
	"fmt"
	"strconv"
	"strings"

	"mailroom/app/journal"
	"mailroom/app/msg"
	"mailroom/app/recipients"
)

// Decisions are the user's answers about rows that need one, applied
// before the run: rows a crash left unknown (delivered or not?) and rows
// that failed (fixed since?).
type Decisions struct {
	// MarkSent lists rows the user found delivered (spreadsheet row
	// numbers), or "unknown" for every unknown row.
	MarkSent []string
	// SendAgain lists rows to send again even though the journal has them
	// as sent, failed or unknown; "unknown" and "failed" name every such row.
	SendAgain []string
	// RetryFailed makes every failed row pending again.
	RetryFailed bool
}

func (d Decisions) empty() bool {
	return len(d.MarkSent) == 0 && len(d.SendAgain) == 0 && !d.RetryFailed
}

// apply records the decisions in the journal, each as an event.
func (d Decisions) apply(j *journal.Journal, campaign int64) error {
	if d.RetryFailed {
		if _, err := j.RetryFailed(campaign); err != nil {
			return err
		}
	}
	rows, err := j.Rows(campaign)
	if err != nil {
		return err
	}
	if keys, err := selectRows(rows, d.MarkSent); err != nil {
		return fmt.Errorf("--mark-sent: %w", err)
	} else if len(keys) > 0 {
		if err := j.MarkAsSent(campaign, keys...); err != nil {
			return fmt.Errorf("--mark-sent: %w", err)
		}
	}
	if keys, err := selectRows(rows, d.SendAgain); err != nil {
		return fmt.Errorf("--send-again: %w", err)
	} else if len(keys) > 0 {
		if err := j.SendAgain(campaign, keys...); err != nil {
			return fmt.Errorf("--send-again: %w", err)
		}
	}
	return nil
}

// selectRows resolves "12", "12-15", "unknown" or "failed" to row keys.
func selectRows(rows []journal.Row, specs []string) ([]string, error) {
	var keys []string
	for _, spec := range specs {
		for _, part := range strings.Split(spec, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if part == string(journal.StateUnknown) || part == string(journal.StateFailed) {
				for _, r := range rows {
					if string(r.State) == part {
						keys = append(keys, r.Key)
					}
				}
				continue
			}
			lo, hi, err := rowRange(part)
			if err != nil {
				return nil, err
			}
			found := false
			for _, r := range rows {
				if r.Number >= lo && r.Number <= hi {
					keys = append(keys, r.Key)
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("row %s is not in this campaign's journal", part)
			}
		}
	}
	return keys, nil
}

func rowRange(s string) (int, int, error) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a row number, a range like 12-15, \"unknown\" or \"failed\"", s)
	}
	if !isRange {
		return lo, lo, nil
	}
	hi, err := strconv.Atoi(strings.TrimSpace(b))
	if err != nil || hi < lo {
		return 0, 0, fmt.Errorf("%q is not a row range like 12-15", s)
	}
	return lo, hi, nil
}

// writeResults writes the copy of the user's workbook with the outcome of
// every row next to it; the original is never touched.
func (p *Plan) writeResults(j *journal.Journal, campaign int64, language msg.Language) error {
	rows, err := j.Rows(campaign)
	if err != nil {
		return err
	}
	results := map[int]recipients.RowResult{}
	for _, r := range rows {
		if !r.InSource {
			continue
		}
		res := recipients.RowResult{Status: r.State.Text().In(language), Time: r.Updated, MessageID: r.MessageID, Reply: r.Reply,
			Bounce: journal.BounceNoteIn(r.Mailbox, language), Response: journal.ResponseNoteIn(r.Mailbox, language)}
		if r.State == journal.StateSkipped {
			res.Reply = r.Note().In(language)
		}
		if prev, ok := results[r.Number]; ok { // a cell with several addresses
			res.Status = prev.Status + "; " + res.Status
			res.MessageID = strings.Trim(prev.MessageID+"; "+res.MessageID, "; ")
			res.Reply = strings.Trim(prev.Reply+"; "+res.Reply, "; ")
			res.Bounce = strings.Trim(prev.Bounce+"; "+res.Bounce, "; ")
			res.Response = strings.Trim(prev.Response+"; "+res.Response, "; ")
		}
		results[r.Number] = res
	}
	opts := []recipients.Option{recipients.WithLanguage(language)}
	if p.Sheet != "" {
		opts = append(opts, recipients.WithSheet(p.Sheet))
	}
	if p.headerRow > 0 {
		opts = append(opts, recipients.WithHeaderRow(p.headerRow))
	}
	return recipients.WriteResults(p.Campaign.Recipients, p.Campaign.Results, results, opts...)
}
