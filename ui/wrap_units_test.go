package ui

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailroom/assets/translations"
)

// Fyne wraps a label at the last unicode.IsSpace rune that fits, and that
// includes the no-break spaces (U+00A0, U+202F): a space inside a Chinese
// unit such as "第 6 行" or "30 封" is where the line breaks, leaving "第 6"
// at the end of one line and "行" on the next. Without those spaces Fyne
// wraps Chinese like Chinese, filling each line and breaking between
// characters. See docs/ui.md.

// TestChineseWrapsLikeChinese: a Chinese sentence with a row number,
// wrapped at every width from 150 to 400 pixels, fills each line before it
// breaks (before, it broke early at the space inside "第 6 行").
func TestChineseWrapsLikeChinese(t *testing.T) {
	test.NewTempApp(t)
	inChinese(t)
	text := lang.L(`"{{.Address}}" already appears on row {{.Row}}`, map[string]any{"Address": "zhang@example.com", "Row": 6})
	for w := float32(150); w <= 400; w += 5 {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.Resize(fyne.NewSize(w, 400))
		lines := shownLines(l)
		for i := 0; i+1 < len(lines); i++ {
			next := []rune(lines[i+1])[0]
			if unicode.IsSpace(next) {
				continue
			}
			longer := lines[i] + string(next)
			if width := fyne.MeasureText(longer, theme.TextSize(), fyne.TextStyle{}).Width; width+2*theme.InnerPadding() <= w {
				t.Errorf("at %.0f px the line %q breaks early: %q would fit (next line %q)", w, lines[i], longer, lines[i+1])
				break
			}
		}
	}
}

// TestChineseUnitsHaveNoSpaceInside: no Chinese text puts a space between
// a count and its unit (封, 行, 个, 小时…) or between 第 and its number.
func TestChineseUnitsHaveNoSpaceInside(t *testing.T) {
	data, err := translations.FS.ReadFile("zh_Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	var zh map[string]string
	if err := json.Unmarshal(data, &zh); err != nil {
		t.Fatal(err)
	}
	count := `(?:\{\{\.(?:Count|Row|Rows|Line|Data|N|Sent|Failed|Unknown|Skipped|Pending|Total|Port|Days|Hours|Minutes|Seconds|Milliseconds)\}\}|\d+)`
	unit := regexp.MustCompile(count + ` (?:端口|小时|毫秒|分钟|[行封秒位条个倍天分年月人次])|第 ` + count)
	for k, v := range zh {
		if m := unit.FindString(v); m != "" {
			t.Errorf("%q: %q has a space inside %q, where a wrapped line may break", k, v, m)
		}
	}
}

// TestChineseAddressesTheUserOneWay: the window says 你 throughout, as
// QQ Mail and WeChat do; a text that says 您 where the rest says 你 reads
// as if two people wrote it (both were mixed before).
func TestChineseAddressesTheUserOneWay(t *testing.T) {
	data, err := translations.FS.ReadFile("zh_Hans.json")
	if err != nil {
		t.Fatal(err)
	}
	var zh map[string]string
	if err := json.Unmarshal(data, &zh); err != nil {
		t.Fatal(err)
	}
	for k, v := range zh {
		if strings.Contains(v, "您") {
			t.Errorf("%q: %q says 您; the window says 你", k, v)
		}
	}
}

// shownLines are the lines a wrapped label shows.
func shownLines(l *widget.Label) []string {
	var lines []string
	for _, o := range test.WidgetRenderer(l).Objects() {
		if r, ok := o.(*widget.RichText); ok {
			for _, o := range test.WidgetRenderer(r).Objects() {
				if tx, ok := o.(*canvas.Text); ok && tx.Visible() && tx.Text != "" {
					lines = append(lines, tx.Text)
				}
			}
		}
	}
	return lines
}

// TestAProblemsMarkNeverStandsAlone: a Chinese problem whose first line
// has no space but the one after its mark started with the mark alone on
// a line ("⚠" / "第7行：…", seen in the real window): the mark has a column
// of its own, and the text's first line starts with the text.
func TestAProblemsMarkNeverStandsAlone(t *testing.T) {
	test.NewTempApp(t)
	p := Problem{Row: 7, Text: "第7行：“wang.fang@example.com”已在第5行出现过——只会收到一封邮件；如需重复发送，请选择保留重复地址"}
	l := newWrappedList(func() int { return 1 }, func(int) (string, string) { return problemMark(p) })
	w := test.NewTempWindow(t, l)
	for width := float32(300); width <= 700; width += 20 {
		w.Resize(fyne.NewSize(width, 300))
		item := l.CreateItem()
		item.Resize(fyne.NewSize(width, 200))
		l.UpdateItem(0, item)
		item.Resize(fyne.NewSize(width, 200)) // lay the item out with its texts
		var texts []*widget.Label
		walk(item, func(o fyne.CanvasObject) {
			if lab, ok := o.(*widget.Label); ok && strings.Contains(lab.Text, "第7行") {
				texts = append(texts, lab)
			}
		})
		if len(texts) != 1 {
			t.Fatalf("at %.0f px: %d labels hold the text", width, len(texts))
		}
		if lines := shownLines(texts[0]); len(lines) == 0 || !strings.HasPrefix(lines[0], "第7行") {
			t.Errorf("at %.0f px the first line is %q, not the text's start", width, lines)
		}
	}
}

// itemText is the text of a wrapped list's item as the user reads it:
// its mark and its text.
func itemText(o fyne.CanvasObject) string {
	c := o.(*fyne.Container)
	lab, mark := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label)
	if mark.Text == "" {
		return lab.Text
	}
	return mark.Text + " " + lab.Text
}
