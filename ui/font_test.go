package ui

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
)

// makeTTC builds a font collection holding the given standalone fonts, the
// way system CJK fonts ship: each face's table offsets are rebased onto
// the collection file.
func makeTTC(t *testing.T, faces ...[]byte) []byte {
	t.Helper()
	header := 12 + 4*len(faces)
	var out bytes.Buffer
	out.Write([]byte("ttcf"))
	_ = binary.Write(&out, binary.BigEndian, []uint16{1, 0})
	_ = binary.Write(&out, binary.BigEndian, uint32(len(faces)))
	offset := header
	for _, f := range faces {
		_ = binary.Write(&out, binary.BigEndian, uint32(offset))
		offset += len(f)
	}
	for _, f := range faces {
		base := uint32(out.Len())
		face := append([]byte(nil), f...)
		n := int(binary.BigEndian.Uint16(face[4:]))
		for i := 0; i < n; i++ {
			rec := face[12+16*i:]
			binary.BigEndian.PutUint32(rec[8:], binary.BigEndian.Uint32(rec[8:])+base)
		}
		out.Write(face)
	}
	return out.Bytes()
}

func TestExtractFaceRebuildsAStandaloneFontFromACollection(t *testing.T) {
	regular := theme.DefaultTextFont().Content()
	bold := theme.DefaultTextBoldFont().Content()
	path := filepath.Join(t.TempDir(), "pair.ttc")
	if err := os.WriteFile(path, makeTTC(t, regular, bold), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := extractFace(path, false)
	if err != nil {
		t.Fatal(err)
	}
	face, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the extracted face does not parse: %v", err)
	}
	want, _ := font.ParseTTF(bytes.NewReader(regular))
	if face.Describe().Family != want.Describe().Family {
		t.Errorf("extracted %q, want %q", face.Describe().Family, want.Describe().Family)
	}
	gid, ok := face.NominalGlyph('M')
	wantGID, _ := want.NominalGlyph('M')
	if !ok || gid != wantGID {
		t.Errorf("glyph of M is %d (found %v), want %d", gid, ok, wantGID)
	}
}

func TestExtractFaceRefusesWhatIsNotAFont(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.ttc")
	if err := os.WriteFile(path, []byte("not a font at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := extractFace(path, false); err == nil {
		t.Error("a text file was accepted as a font")
	}
	if r, b := findCJKFonts([]cjkFont{{regular: path}, {regular: filepath.Join(t.TempDir(), "missing.ttc")}}, false); r != nil || b != nil {
		t.Error("found a font among broken and missing files")
	}
}

func TestFaceScorePrefersTheUsersChineseScript(t *testing.T) {
	faces := []string{"Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans Mono CJK SC"}
	best := func(traditional bool) string {
		top, score := "", -1000
		for _, f := range faces {
			if s := faceScore(f, traditional); s > score {
				top, score = f, s
			}
		}
		return top
	}
	if got := best(false); got != "Noto Sans CJK SC" {
		t.Errorf("simplified picks %q", got)
	}
	if got := best(true); got != "Noto Sans CJK TC" {
		t.Errorf("traditional picks %q", got)
	}
}

// The installed Noto CJK collection, when present, yields a face with
// Chinese glyphs.
func TestSystemCJKFontHasChineseGlyphs(t *testing.T) {
	const noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
	if _, err := os.Stat(noto); err != nil {
		t.Skip("no Noto CJK font installed")
	}
	regular, bold := findCJKFonts([]cjkFont{{regular: noto, bold: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"}}, false)
	if regular == nil || bold == nil {
		t.Fatal("Noto CJK not loaded")
	}
	face, err := font.ParseTTF(bytes.NewReader(regular.Content()))
	if err != nil {
		t.Fatal(err)
	}
	if face.Describe().Family != "Noto Sans CJK SC" {
		t.Errorf("picked %q", face.Describe().Family)
	}
	for _, r := range "收件人邮箱 Mailroom" {
		if _, ok := face.NominalGlyph(r); !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
}

func BenchmarkLoadSystemCJKFont(b *testing.B) {
	const noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
	if _, err := os.Stat(noto); err != nil {
		b.Skip("no Noto CJK font installed")
	}
	for b.Loop() {
		if _, err := extractFace(noto, false); err != nil {
			b.Fatal(err)
		}
	}
}
