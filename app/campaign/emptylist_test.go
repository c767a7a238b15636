package campaign

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/recipients"
)

// TestAListThatSendsToNobodyIsBlocking: a list with a header and no rows,
// or whose every row is excluded, is a blocking problem saying why, not a
// campaign that succeeds having sent nothing.
func TestAListThatSendsToNobodyIsBlocking(t *testing.T) {
	var many strings.Builder
	many.WriteString("Name,Email,Status\n")
	for i := range 120 {
		fmt.Fprintf(&many, "P%d,p%d@example.com,sent\n", i, i)
	}
	tests := []struct {
		name, list string
		edit       func(c *Campaign)
		suppressed string
		code, want string
	}{
		{name: "header only", list: "Name,Email\n", code: "no-rows",
			want: "no recipients: the list has a header but no rows"},
		{name: "header and blank lines", list: "Name,Email\r\n,\r\n\r\n", code: "no-rows",
			want: "no recipients: the list has a header but no rows"},
		{name: "filtered out", list: many.String(), edit: func(c *Campaign) { c.Where = []string{"Status != sent"} }, code: "all-rows-excluded",
			want: "no recipients: all 120 rows were excluded by the filters"},
		{name: "several reasons", list: "Name,Email,Status\nA,a@example.com,sent\nB,b@example.com,new\nB2,b@example.com,new\nC,c@,new\n",
			edit: func(c *Campaign) { c.Where, c.SkipInvalid = []string{"Status != sent"}, true }, suppressed: "b@example.com\n",
			code: "all-rows-excluded", want: "no recipients: all 4 rows were excluded (1 by the filters; 2 by the do-not-send list; 1 as invalid)"},
		{name: "invalid skipped", list: "Name,Email\nA,not-an-address\n", edit: func(c *Campaign) { c.SkipInvalid = true },
			code: "all-rows-excluded", want: "no recipients: all 1 rows were excluded as invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "list.csv", tc.list)
			write(t, dir, "body.txt", "Hi {{Name}}\n")
			if tc.suppressed != "" {
				write(t, dir, SuppressionFileName, tc.suppressed)
			}
			c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"),
				From: "me@example.com", DryRun: filepath.Join(dir, "out")}
			if tc.edit != nil {
				tc.edit(c)
			}
			plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var found *recipients.Problem
			for i, p := range plan.Problems {
				if p.Code == tc.code {
					found = &plan.Problems[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s problem in %v", tc.code, plan.Problems)
			}
			if found.Severity != recipients.Blocking || found.Message != tc.want || found.File != c.Recipients || found.Hint == "" || found.Text == nil {
				t.Errorf("problem %+v, want a blocking %q located at the list, with a hint and a text for the window", found, tc.want)
			}
			if plan.Ready() {
				t.Error("the plan is ready to send to nobody")
			}
			if _, err := plan.WriteDryRun(c.DryRun); err == nil {
				entries, _ := os.ReadDir(c.DryRun)
				if len(entries) > 0 {
					t.Errorf("a dry run wrote %d messages", len(entries))
				}
			}
		})
	}
}

// TestAListWithOneRecipientLeftIsNotEmpty: one message is enough.
func TestAListWithOneRecipientLeftIsNotEmpty(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "list.csv", "Name,Email\nA,a@example.com\nB,b@example.com\n")
	write(t, dir, "body.txt", "Hi {{Name}}\n")
	write(t, dir, SuppressionFileName, "a@example.com\n")
	c := &Campaign{Recipients: filepath.Join(dir, "list.csv"), Subject: "Hi", Body: filepath.Join(dir, "body.txt"),
		From: "me@example.com", DryRun: filepath.Join(dir, "out")}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Ready() {
		t.Fatalf("not ready: %v", plan.Problems)
	}
}
