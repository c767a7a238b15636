package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"mailroom/app/recipients"
)

// rekeyRows is schema 3: it gives every row of a journal written before
// issue 9 the key recipients.RowKey gives it now. Schemas 1 and 2 keyed a
// row by its address text lower-cased, so the same mailbox written with a
// Unicode domain in one run and in punycode in the next, or a "together"
// cell with its addresses reordered, was a new row and was sent again.
//
// Each stored key is split into its addresses and occurrence and keyed
// again. Where several old keys become the same addresses (the old
// version saw them as different recipients), their occurrences are
// numbered again in row order, so every row keeps a key of its own and
// its state, and the next sheet's rows find them. Events and mailbox
// observations follow their rows. It runs once, inside the schema transaction.
func rekeyRows(ctx context.Context, conn *sql.Conn) error {
	type stored struct {
		campaign int64
		key      string
		number   int
		newKey   string
	}
	rows, err := conn.QueryContext(ctx, `SELECT campaign, key, row_number FROM rows ORDER BY campaign, row_number, key`)
	if err != nil {
		return err
	}
	var all []*stored
	for rows.Next() {
		r := &stored{}
		if err := rows.Scan(&r.campaign, &r.key, &r.number); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	// Group by campaign and new base key; a group fed by one old base
	// keeps its occurrence numbers, a merged group is numbered in row order.
	type group struct {
		members  []*stored
		oldBases map[string]bool
	}
	groups := map[[2]string]*group{}
	var order [][2]string
	for _, r := range all {
		addrs, occ := recipients.SplitRowKey(r.key)
		base := recipients.RowKey(addrs, 1)
		id := [2]string{fmt.Sprint(r.campaign), base}
		g := groups[id]
		if g == nil {
			g = &group{oldBases: map[string]bool{}}
			groups[id] = g
			order = append(order, id)
		}
		g.members = append(g.members, r)
		g.oldBases[strings.Join(addrs, ",")] = true
		r.newKey = recipients.RowKey(addrs, occ)
	}
	for _, id := range order {
		g := groups[id]
		if len(g.oldBases) == 1 {
			continue
		}
		sort.SliceStable(g.members, func(a, b int) bool { return g.members[a].number < g.members[b].number })
		addrs, _ := recipients.SplitRowKey(id[1])
		for i, r := range g.members {
			r.newKey = recipients.RowKey(addrs, i+1)
		}
	}

	// Two passes, through keys no row can have, so that renaming one row
	// never collides with another row's old key.
	var changed []*stored
	for _, r := range all {
		if r.newKey != r.key {
			changed = append(changed, r)
		}
	}
	// Every table that names a row by its key (schema 2 added
	// observations).
	rename := func(campaign int64, from, to string) error {
		for _, table := range []string{"rows", "events", "observations"} {
			if _, err := conn.ExecContext(ctx, `UPDATE `+table+` SET key = ? WHERE campaign = ? AND key = ?`, to, campaign, from); err != nil {
				return err
			}
		}
		return nil
	}
	temp := func(i int) string { return fmt.Sprintf("\x00rekey-%d", i) }
	for i, r := range changed {
		if err := rename(r.campaign, r.key, temp(i)); err != nil {
			return err
		}
	}
	for i, r := range changed {
		if err := rename(r.campaign, temp(i), r.newKey); err != nil {
			return err
		}
	}
	return nil
}
