package recipients

import "testing"

func TestProblemErrorFormatsLocationMessageAndHint(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{
			name: "full location",
			p: Problem{File: "/home/li/客户/customers.xlsx", Sheet: "Sheet1", Row: 12, Column: "Email",
				Message: `"bob@@x" is not a valid address`, Hint: "correct it or exclude the row"},
			want: `customers.xlsx, sheet "Sheet1", row 12, column "Email": "bob@@x" is not a valid address — correct it or exclude the row`,
		},
		{
			name: "csv without sheet, chinese column",
			p:    Problem{File: "list.csv", Row: 3, Column: "邮箱", Message: "the address is empty"},
			want: `list.csv, row 3, column "邮箱": the address is empty`,
		},
		{
			name: "no location",
			p:    Problem{Message: "no From address", Hint: "set one"},
			want: "no From address — set one",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Error(); got != tt.want {
				t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestZeroSeverityBlocks(t *testing.T) {
	ps := Problems{{Message: "x"}, {Severity: Warning, Message: "y"}}
	if !ps.HasBlocking() {
		t.Fatal("a problem without explicit severity must block")
	}
	if len(ps.Blocking()) != 1 || len(ps.Warnings()) != 1 {
		t.Fatalf("Blocking/Warnings split wrong: %v / %v", ps.Blocking(), ps.Warnings())
	}
	if Blocking.String() != "blocking" || Warning.String() != "warning" {
		t.Fatal("severity names changed; journals and reports depend on them")
	}
}
