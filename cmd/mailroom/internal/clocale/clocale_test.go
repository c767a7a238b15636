package clocale

import "testing"

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{"C.UTF-8 in LANG", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"C.utf8 in LC_ALL", map[string]string{"LC_ALL": "C.utf8", "LANG": "zh_CN.UTF-8"}, "en"},
		{"POSIX with modifier", map[string]string{"LC_MESSAGES": "POSIX@x"}, "en"},
		{"plain C is already understood", map[string]string{"LANG": "C"}, ""},
		{"a real locale is left alone", map[string]string{"LANG": "zh_CN.UTF-8"}, ""},
		{"LC_ALL decides before LANG", map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"the user's LANGUAGE is kept", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, "zh_CN"},
		{"nothing set", map[string]string{}, ""},
		{"Cx is not C", map[string]string{"LANG": "Cx.UTF-8"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			Apply(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if got := env["LANGUAGE"]; got != tc.want {
				t.Errorf("LANGUAGE = %q, want %q", got, tc.want)
			}
		})
	}
}
