// Package booktest writes workbooks for tests and benchmarks: large
// realistic lists and crafted ones (zip bombs) that a hostile or damaged
// file could contain. It is imported only by tests.
package booktest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
)

// Part is one entry of a crafted package: Head, then Body repeated Times
// times, then Tail. The body is compressed once and its compressed block
// repeated, so a part that unpacks to gigabytes is written in moments and
// takes about a thousandth of that on disk.
type Part struct {
	Name             string
	Head, Body, Tail string
	Times            int
}

// Size is how many bytes the part unpacks to.
func (p Part) Size() int64 {
	return int64(len(p.Head)) + int64(len(p.Body))*int64(p.Times) + int64(len(p.Tail))
}

// WritePackage writes parts as a zip file at path.
func WritePackage(path string, parts ...Part) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, p := range parts {
		if err := writePart(zw, p); err != nil {
			f.Close()
			return err
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writePart(zw *zip.Writer, p Part) error {
	head, err := deflateBlock(p.Head, false)
	if err != nil {
		return err
	}
	body, err := deflateBlock(p.Body, false)
	if err != nil {
		return err
	}
	tail, err := deflateBlock(p.Tail, true)
	if err != nil {
		return err
	}
	crc := crc32.Update(0, crc32.IEEETable, []byte(p.Head))
	bodyBytes := []byte(p.Body)
	for range p.Times {
		crc = crc32.Update(crc, crc32.IEEETable, bodyBytes)
	}
	crc = crc32.Update(crc, crc32.IEEETable, []byte(p.Tail))
	h := &zip.FileHeader{
		Name: p.Name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(len(head) + len(body)*p.Times + len(tail)),
		UncompressedSize64: uint64(p.Size()),
	}
	w, err := zw.CreateRaw(h)
	if err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	for range p.Times {
		if _, err := w.Write(body); err != nil {
			return err
		}
	}
	_, err = w.Write(tail)
	return err
}

// deflateBlock compresses s on its own: a sync flush leaves the output
// byte-aligned and free of references to earlier data, so such blocks can
// be concatenated; only the last one is closed.
func deflateBlock(s string, last bool) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, s); err != nil {
		return nil, err
	}
	if last {
		err = w.Close()
	} else {
		err = w.Flush()
	}
	return buf.Bytes(), err
}
