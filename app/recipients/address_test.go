package recipients

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	valid := []struct{ in, addr, name string }{
		{"bob@example.com", "bob@example.com", ""},
		{"  Bob@QQ.com ", "Bob@QQ.com", ""},
		{"Bob Smith <bob@x.com>", "bob@x.com", "Bob Smith"},
		{`"Doe, John" <j@x.com>`, "j@x.com", "Doe, John"},
		{"用户@例子.中国", "用户@例子.中国", ""},
		{"zhang.wei@qq.com", "zhang.wei@qq.com", ""},
		{"mailto:a@b.io", "a@b.io", ""},
	}
	for _, v := range valid {
		a, err := ParseAddress(v.in)
		if err != nil || a.Addr != v.addr || a.Name != v.name {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %q %q", v.in, a, err, v.addr, v.name)
		}
	}
	invalid := []struct{ in, reason string }{
		{"", "the address is empty"},
		{"bob@@x.com", `"bob@@x.com" is not a valid address`},
		{"bob.x.com", `"bob.x.com" has no @`},
		{"bob＠qq.com", `"bob＠qq.com" contains a full-width character (＠ 。 ．)`},
		{"bob@qq。com", `"bob@qq。com" contains a full-width character (＠ 。 ．)`},
		{"bob@localhost", `"bob@localhost": the domain "localhost" has no dot (like example.com)`},
		{"bob@[10.0.0.1]", `"bob@[10.0.0.1]": the domain is an IP address, which mail providers do not accept`},
		{"bob@-x.com", `"bob@-x.com": the domain "-x.com" is not valid`},
		{"bob@x_y.com", `"bob@x_y.com": the domain "x_y.com" is not valid`},
		{"bob@x.c", `"bob@x.c": the domain "x.c" does not end in a real top-level domain (like .com or .cn)`},
		{"a b@x.com", `"a b@x.com" is not a valid address`},
		{"bob@x.com.", `"bob@x.com." is not a valid address`},
	}
	for _, v := range invalid {
		_, err := ParseAddress(v.in)
		var ae *AddressError
		if !errors.As(err, &ae) || ae.What.String() != v.reason {
			t.Errorf("ParseAddress(%q) error %v, want %q", v.in, err, v.reason)
		}
	}
}

func TestAddressKeyNormalises(t *testing.T) {
	a, _ := ParseAddress(" Bob@QQ.COM ")
	b, _ := ParseAddress("bob@qq.com")
	if a.Key() != b.Key() || a.Key() != "bob@qq.com" {
		t.Errorf("keys %q %q", a.Key(), b.Key())
	}
	c, _ := ParseAddress("用户@例子.中国")
	if c.Key() != "用户@xn--fsqu00a.xn--fiqs8s" {
		t.Errorf("IDN key %q", c.Key())
	}
}

func TestSplitCell(t *testing.T) {
	tests := map[string][]string{
		"a@x.com; b@y.com":             {"a@x.com", "b@y.com"},
		"a@x.com,b@y.com":              {"a@x.com", "b@y.com"},
		"a@x.com；b@y.com，c@z.com":      {"a@x.com", "b@y.com", "c@z.com"},
		"a@x.com\nb@y.com\r\n":         {"a@x.com", "b@y.com"},
		"a@x.com b@y.com":              {"a@x.com", "b@y.com"},
		"Doe, John <j@x.com>; a@b.com": {"Doe, John <j@x.com>", "a@b.com"},
		`"Smith; Ann" <ann@x.com>`:     {`"Smith; Ann" <ann@x.com>`},
		"a@x.com;;":                    {"a@x.com"},
		"张三 <z@qq.com>、李四 <l@163.com>": {"张三 <z@qq.com>", "李四 <l@163.com>"},
	}
	for in, want := range tests {
		if got := SplitCell(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSuggestDomain(t *testing.T) {
	tests := map[string]string{
		"gmial.com": "gmail.com", "gmal.com": "gmail.com", "gmail.co": "gmail.com", "gamil.com": "gmail.com",
		"qq.con": "qq.com", "163.cm": "163.com", "126.con": "126.com", "hotmial.com": "hotmail.com",
		"outlok.com": "outlook.com", "yaho.com": "yahoo.com", "gmial.con": "gmail.com", "QQ.CON": "qq.com",
		// fine as they are
		"gmail.com": "", "mail.com": "", "sina.cn": "", "163.net": "", "vip.qq.com": "", "example.com": "",
		"126.com": "", "139.com": "", "live.cn": "",
	}
	for in, want := range tests {
		if got := SuggestDomain(in); got != want {
			t.Errorf("SuggestDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMailtoAddress(t *testing.T) {
	for in, want := range map[string]string{
		"mailto:bob@x.com":            "bob@x.com",
		"MAILTO:bob@x.com?subject=Hi": "bob@x.com",
		"mailto:%E5%BC%A0@qq.com":     "张@qq.com",
		"mailto:a@x.com,b@y.com":      "a@x.com",
		"https://example.com":         "",
	} {
		got, _ := mailtoAddress(in)
		if got != want {
			t.Errorf("mailtoAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLongCellsAreCutInMessages: a crafted cell of a megabyte is not
// copied into the problem that names it.
func TestLongCellsAreCutInMessages(t *testing.T) {
	long := strings.Repeat("A", 1<<20)
	_, err := ParseAddress(long)
	if err == nil {
		t.Fatal("a megabyte of A is an address")
	}
	if n := len(err.Error()); n > 300 || !strings.Contains(err.Error(), strings.Repeat("A", 60)+"…") {
		t.Errorf("message of %d bytes: %.200q", n, err.Error())
	}
}
