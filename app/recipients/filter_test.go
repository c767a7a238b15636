package recipients

import (
	"reflect"
	"testing"
)

func TestParseRowRanges(t *testing.T) {
	tests := map[string][]RowRange{
		"":             nil,
		"10-200":       {{10, 200}},
		"10–200":       {{10, 200}},
		"10..200":      {{10, 200}},
		"10-":          {{10, 0}},
		"-200":         {{1, 200}},
		"15":           {{15, 15}},
		"2-5, 9 12-13": {{2, 5}, {9, 9}, {12, 13}},
	}
	for in, want := range tests {
		got, err := ParseRowRanges(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseRowRanges(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"200-10", "a-b", "0", "-", "1-2-3"} {
		_, err := ParseRowRanges(bad)
		want := `the row range "` + bad + `" is not understood — write it like 10-200 (rows as numbered in Excel), 10- or -200`
		if err == nil || err.Error() != want {
			t.Errorf("ParseRowRanges(%q) error %v", bad, err)
		}
	}
}

func TestParseCondition(t *testing.T) {
	tests := map[string]Condition{
		"Status != sent":          {Column: "Status", Op: OpNotEquals, Value: "sent"},
		"Status<>sent":            {Column: "Status", Op: OpNotEquals, Value: "sent"},
		"City = 北京":               {Column: "City", Op: OpEquals, Value: "北京"},
		"City == Paris":           {Column: "City", Op: OpEquals, Value: "Paris"},
		"Notes contains VIP":      {Column: "Notes", Op: OpContains, Value: "VIP"},
		"Notes CONTAINS vip":      {Column: "Notes", Op: OpContains, Value: "vip"},
		"Notes not contains test": {Column: "Notes", Op: OpNotContains, Value: "test"},
		"Phone is empty":          {Column: "Phone", Op: OpEmpty},
		"Phone is not empty":      {Column: "Phone", Op: OpNotEmpty},
		"手机 不为空":                  {Column: "手机", Op: OpNotEmpty},
		"备注包含VIP":                 {Column: "备注", Op: OpContains, Value: "VIP"},
		"状态 不等于 已发送":              {Column: "状态", Op: OpNotEquals, Value: "已发送"},
		`"Sent = yes?" = no`:      {Column: "Sent = yes?", Op: OpEquals, Value: "no"},
		`Note = "a contains b"`:   {Column: "Note", Op: OpEquals, Value: "a contains b"},
		"Status = ":               {Column: "Status", Op: OpEquals, Value: ""},
	}
	for in, want := range tests {
		got, err := ParseCondition(in)
		if err != nil || got != want {
			t.Errorf("ParseCondition(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"Status", "= sent", "", " empty"} {
		if _, err := ParseCondition(bad); err == nil {
			t.Errorf("ParseCondition(%q) accepted", bad)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	cols := buildColumns([]string{"Name", "Status", "Phone"}, 0, 2)
	f, err := NewFilter(cols, "2-4,10-", []string{"status != SENT", "Phone is not empty"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		row  Row
		want bool
	}{
		{Row{Number: 3, Values: []string{"a", "", "1"}}, true},
		{Row{Number: 3, Values: []string{"a", " Sent ", "1"}}, false},
		{Row{Number: 3, Values: []string{"a", "failed", ""}}, false},
		{Row{Number: 5, Values: []string{"a", "", "1"}}, false},
		{Row{Number: 100, Values: []string{"a", "", "1"}}, true},
	}
	for _, tt := range tests {
		if got := f.Match(tt.row); got != tt.want {
			t.Errorf("Match(%+v) = %v", tt.row, got)
		}
	}
	_, err = NewFilter(cols, "", []string{"Stat = x"})
	want := `column "Stat": the condition "Stat = x" names a column that does not exist — use one of: Name, Status, Phone`
	if err == nil || err.Error() != want {
		t.Errorf("unknown column error\n%v\nwant\n%s", err, want)
	}
}
