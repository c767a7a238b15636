package msg

import (
	"encoding/json"
	"strings"
)

// storedPrefix marks a Text kept as JSON in a file or database column (a
// journal's skip reason), so it can be shown later in whatever language
// the reader speaks. Text stored by older versions is plain English and
// reads back as Raw.
const storedPrefix = "msg:"

type storedText struct {
	Key  string         `json:"k"`
	Args map[string]any `json:"a,omitempty"`
}

// Store encodes t for keeping; Stored decodes it.
func (t Text) Store() string {
	if t.IsZero() {
		return ""
	}
	data, err := json.Marshal(encodeStored(t))
	if err != nil {
		return t.String()
	}
	return storedPrefix + string(data)
}

func encodeStored(t Text) storedText {
	s := storedText{Key: t.Key}
	if len(t.Args) > 0 {
		s.Args = make(map[string]any, len(t.Args))
		for k, v := range t.Args {
			switch v := v.(type) {
			case Text:
				s.Args[k] = encodeStored(v)
			case []Text:
				list := make([]storedText, len(v))
				for i, t := range v {
					list[i] = encodeStored(t)
				}
				s.Args[k] = list
			default:
				s.Args[k] = v
			}
		}
	}
	return s
}

// Stored reads back what Store wrote; anything else is taken as a plain
// text kept before texts were stored (Raw).
func Stored(s string) Text {
	data, ok := strings.CutPrefix(s, storedPrefix)
	if !ok {
		if s == "" {
			return Text{}
		}
		return Raw(s)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(data), &raw); err != nil {
		return Raw(s)
	}
	return decodeStored(raw)
}

func decodeStored(raw map[string]any) Text {
	key, _ := raw["k"].(string)
	t := Text{Key: key}
	args, _ := raw["a"].(map[string]any)
	if len(args) == 0 {
		return t
	}
	t.Args = make(map[string]any, len(args))
	for k, v := range args {
		switch v := v.(type) {
		case map[string]any:
			if _, isText := v["k"]; isText {
				t.Args[k] = decodeStored(v)
				continue
			}
			t.Args[k] = v
		case []any:
			list := make([]Text, 0, len(v))
			for _, item := range v {
				if m, ok := item.(map[string]any); ok {
					list = append(list, decodeStored(m))
				}
			}
			t.Args[k] = list
		case float64:
			if v == float64(int64(v)) {
				t.Args[k] = int64(v) // 3, not 3e+00
			} else {
				t.Args[k] = v
			}
		default:
			t.Args[k] = v
		}
	}
	return t
}
