package recipients

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// textEncoding is how a text file's bytes map to characters.
type textEncoding struct {
	// Name is shown to the user ("UTF-8", "UTF-16", "GB18030 (GBK)").
	Name string
	enc  encoding.Encoding
	bom  []byte
}

var (
	encUTF8    = textEncoding{Name: "UTF-8", enc: unicode.UTF8}
	encUTF8BOM = textEncoding{Name: "UTF-8", enc: unicode.UTF8, bom: []byte{0xEF, 0xBB, 0xBF}}
	encUTF16LE = textEncoding{Name: "UTF-16", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), bom: []byte{0xFF, 0xFE}}
	encUTF16BE = textEncoding{Name: "UTF-16", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), bom: []byte{0xFE, 0xFF}}
	// GB18030 is a superset of GBK and GB2312, what Chinese Excel writes
	// for "CSV (Comma delimited)".
	encGB18030 = textEncoding{Name: "GB18030 (GBK)", enc: simplifiedchinese.GB18030}
	// Windows-1252 is what Western European Excel writes for "CSV".
	encWindows1252 = textEncoding{Name: "Windows-1252", enc: charmap.Windows1252}
)

// detectEncoding decides a text file's encoding. A BOM is trusted; without
// one, UTF-16 is recognised by its zero bytes, and the whole file is
// checked for valid UTF-8 (cheap next to parsing) because a GBK name can
// first appear on row 50,000; anything else is GB18030 (Chinese Windows)
// or Windows-1252 (Western Windows), told apart by their byte patterns.
func detectEncoding(path string) (textEncoding, error) {
	f, err := os.Open(path)
	if err != nil {
		return textEncoding{}, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	head, _ := r.Peek(64 << 10)
	switch {
	case bytes.HasPrefix(head, encUTF8BOM.bom):
		return encUTF8BOM, nil
	case bytes.HasPrefix(head, encUTF16LE.bom):
		return encUTF16LE, nil
	case bytes.HasPrefix(head, encUTF16BE.bom):
		return encUTF16BE, nil
	}
	if enc, ok := utf16WithoutBOM(head); ok {
		return enc, nil
	}
	ok, err := validUTF8(r)
	if err != nil {
		return textEncoding{}, err
	}
	if ok {
		return encUTF8, nil
	}
	if looksLikeGBK(head) {
		return encGB18030, nil
	}
	return encWindows1252, nil
}

// looksLikeGBK tells Chinese GBK from Western Windows-1252 (what Excel
// writes for "CSV" in Europe). Common Chinese characters are pairs of bytes
// both in A1–FE; accented Latin letters are single high bytes between
// ASCII ones ("M\xfcller").
func looksLikeGBK(sample []byte) bool {
	pairs, singles := 0, 0
	for i := 0; i < len(sample); i++ {
		b := sample[i]
		if b < 0x80 {
			continue
		}
		if b >= 0xA1 && i+1 < len(sample) && sample[i+1] >= 0xA1 && sample[i+1] != 0xFF {
			pairs++
			i++
			continue
		}
		singles++
	}
	return pairs >= singles
}

// utf16WithoutBOM spots UTF-16 text by its many zero bytes, which no other
// text encoding has, on the even (big-endian) or odd (little-endian) side.
func utf16WithoutBOM(head []byte) (textEncoding, bool) {
	if len(head) < 4 {
		return textEncoding{}, false
	}
	var even, odd int
	for i, b := range head {
		if b == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := len(head) / 2
	switch {
	case odd > half/2 && even == 0:
		return textEncoding{Name: "UTF-16", enc: encUTF16LE.enc}, true
	case even > half/2 && odd == 0:
		return textEncoding{Name: "UTF-16", enc: encUTF16BE.enc}, true
	}
	return textEncoding{}, false
}

func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := r.Read(buf[carry:])
		data := buf[:carry+n]
		// a multi-byte character may be cut at the end of the chunk
		cut := len(data)
		for i := len(data) - 1; i >= 0 && i > len(data)-utf8.UTFMax; i-- {
			if utf8.RuneStart(data[i]) {
				if !utf8.FullRune(data[i:]) {
					cut = i
				}
				break
			}
		}
		if err == io.EOF {
			return utf8.Valid(data), nil
		}
		if !utf8.Valid(data[:cut]) {
			return false, nil
		}
		carry = copy(buf, data[cut:])
		if err != nil {
			return false, err
		}
	}
}
