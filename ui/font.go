package ui

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype"
)

// Fyne's bundled font has no Chinese glyphs, and a theme font must be a
// single TTF/OTF face while most system CJK fonts ship as collections
// (.ttc). So at start-up we look for a known system CJK font, pick the face
// for the user's script from the collection and rebuild it in memory as a
// standalone font. Nothing is bundled: a CJK font is 15–20 MB.

// cjkFont is one candidate: a regular file and, optionally, its bold.
type cjkFont struct{ regular, bold string }

func cjkCandidates() []cjkFont {
	switch runtime.GOOS {
	case "windows":
		dir := filepath.Join(os.Getenv("WINDIR"), "Fonts")
		return []cjkFont{
			{filepath.Join(dir, "msyh.ttc"), filepath.Join(dir, "msyhbd.ttc")},
			{filepath.Join(dir, "simhei.ttf"), ""},
			{filepath.Join(dir, "simsun.ttc"), ""},
		}
	case "darwin":
		return []cjkFont{
			{"/System/Library/Fonts/PingFang.ttc", ""},
			{"/System/Library/Fonts/Hiragino Sans GB.ttc", ""},
			{"/System/Library/Fonts/STHeiti Light.ttc", "/System/Library/Fonts/STHeiti Medium.ttc"},
			{"/Library/Fonts/Arial Unicode.ttf", ""},
		}
	}
	var out []cjkFont
	for _, dir := range []string{"/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk", "/usr/share/fonts/opentype/noto-cjk"} {
		out = append(out, cjkFont{filepath.Join(dir, "NotoSansCJK-Regular.ttc"), filepath.Join(dir, "NotoSansCJK-Bold.ttc")})
	}
	return append(out,
		cjkFont{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", ""},
		cjkFont{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""},
		cjkFont{"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", ""},
	)
}

// findCJKFonts returns the regular and bold faces of the first candidate
// present, as standalone fonts; bold is nil when the family has none.
// traditional prefers Traditional Chinese glyph forms.
func findCJKFonts(candidates []cjkFont, traditional bool) (regular, bold fyne.Resource) {
	for _, c := range candidates {
		data, err := extractFace(c.regular, traditional)
		if err != nil {
			continue
		}
		regular = fyne.NewStaticResource(filepath.Base(c.regular)+".otf", data)
		if c.bold != "" {
			if data, err := extractFace(c.bold, traditional); err == nil {
				bold = fyne.NewStaticResource(filepath.Base(c.bold)+".otf", data)
			}
		}
		return regular, bold
	}
	return nil, nil
}

// extractFace reads a font file or collection and returns the best face
// for Chinese text as a standalone sfnt.
func extractFace(path string, traditional bool) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	loaders, err := opentype.NewLoaders(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	best, bestScore := -1, -1000
	for i, ld := range loaders {
		desc, _ := font.Describe(ld, nil)
		if s := faceScore(desc.Family, traditional); s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("%s: no font face", path)
	}
	return writeSFNT(loaders[best])
}

// faceScore ranks the faces of a CJK collection: the user's Chinese script
// first, proportional before monospaced.
func faceScore(family string, traditional bool) int {
	score := 0
	want, other := []string{" SC", "GB", "YaHei", "PingFang SC"}, []string{" TC", " HK"}
	if traditional {
		want, other = []string{" TC", " HK", "PingFang TC"}, []string{" SC"}
	}
	for _, w := range want {
		if strings.Contains(family, w) {
			score += 4
		}
	}
	for _, o := range other {
		if strings.Contains(family, o) {
			score -= 2
		}
	}
	if strings.Contains(family, " JP") || strings.Contains(family, " KR") {
		score--
	}
	if strings.Contains(family, "Mono") || strings.HasSuffix(family, " UI") {
		score -= 3
	}
	return score
}

var errNoTables = errors.New("font face has no tables")

// writeSFNT rebuilds one face as a standalone OpenType file: the offset
// table, the table directory and each table padded to four bytes. Table
// checksums do not depend on position, so they are recomputed unchanged.
func writeSFNT(ld *opentype.Loader) ([]byte, error) {
	tags := ld.Tables()
	if len(tags) == 0 {
		return nil, errNoTables
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
	tables := make([][]byte, len(tags))
	size := 12 + 16*len(tags)
	for i, tag := range tags {
		data, err := ld.RawTable(tag)
		if err != nil {
			return nil, err
		}
		tables[i] = data
		size += (len(data) + 3) &^ 3
	}
	var out bytes.Buffer
	out.Grow(size)
	n := uint16(len(tags))
	entrySelector := uint16(0)
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := uint16(16) << entrySelector
	header := []any{uint32(ld.Type), n, searchRange, entrySelector, n*16 - searchRange}
	for _, v := range header {
		_ = binary.Write(&out, binary.BigEndian, v)
	}
	offset := uint32(12 + 16*len(tags))
	for i, tag := range tags {
		_ = binary.Write(&out, binary.BigEndian, []uint32{uint32(tag), tableChecksum(tables[i]), offset, uint32(len(tables[i]))})
		offset += uint32(len(tables[i])+3) &^ 3
	}
	for _, data := range tables {
		out.Write(data)
		out.Write(make([]byte, (4-len(data)%4)%4))
	}
	return out.Bytes(), nil
}

func tableChecksum(data []byte) uint32 {
	var sum uint32
	for i := 0; i < len(data); i += 4 {
		var word [4]byte
		copy(word[:], data[i:])
		sum += binary.BigEndian.Uint32(word[:])
	}
	return sum
}
