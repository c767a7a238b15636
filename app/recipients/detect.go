package recipients

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"mailroom/app/msg"
)

// format is how a file's content is read, decided from its bytes rather
// than its name: people rename files, and web systems export tab-separated
// text or HTML under an .xls name.
type format int

const (
	formatWorkbook format = iota + 1 // Office Open XML (.xlsx .xlsm .xltx)
	formatText                       // delimited text (.csv .txt)
)

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
	// An encrypted OOXML file is an OLE container holding this stream; its
	// directory entry name is stored in UTF-16LE.
	encryptedPackageName = utf16le("EncryptedPackage")
)

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// sniff classifies path and rejects everything Mailroom cannot read, with
// the message the user will see. maxUnpacked bounds the total unpacked size
// of a workbook (zip bomb defence); it is checked from the zip directory
// before anything is inflated.
func sniff(path string, maxUnpacked int64) (format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, fileErr(ErrNotFound, path, msg.T("the file does not exist"),
				msg.T("check the name and folder ({{.Folder}}), or choose the file again", "Folder", filepath.Dir(path)), err)
		}
		return 0, fileErr(ErrNotFound, path, msg.T("the file cannot be opened"),
			msg.T("check that it exists and that you are allowed to read it"), err)
	}
	if ext == ".numbers" {
		return 0, numbersError(path)
	}
	if info.IsDir() {
		return 0, fileErr(ErrUnsupported, path, msg.T("this is a folder, not a file"), msg.T("choose the spreadsheet file inside it"), nil)
	}
	if info.Size() == 0 {
		return 0, fileErr(ErrEmptyFile, path, msg.T("the file is empty"), msg.T("choose the file that holds your recipient list"), nil)
	}
	head, err := readHead(path, 512)
	if err != nil {
		return 0, fileErr(ErrCorrupt, path, msg.T("the file cannot be read"), msg.T("copy it to your computer and try again"), err)
	}
	switch {
	case bytes.HasPrefix(head, oleMagic):
		return 0, oleError(path, ext)
	case bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return formatWorkbook, checkZip(path, ext, info.Size(), maxUnpacked)
	}
	switch ext {
	case ".xlsx", ".xlsm", ".xltx", ".xlsb", ".ods":
		return 0, fileErr(ErrCorrupt, path, msg.T("the file is damaged or is not really an Excel workbook"),
			openAndSaveAsXLSX(), nil)
	case ".csv", ".txt", ".tsv", ".xls":
		if looksLikeMarkup(head) {
			return 0, fileErr(ErrUnsupported, path, msg.T("this file is a web page or XML export, not a spreadsheet Mailroom can read"),
				openAndSaveAsXLSX(), nil)
		}
		if bytes.HasPrefix(head, []byte("%PDF")) {
			return 0, fileErr(ErrUnsupported, path, msg.T("this is a PDF document, not a spreadsheet"),
				msg.T("export the list from its source program as .xlsx or .csv"), nil)
		}
		// Web systems often export tab-separated text named .xls.
		return formatText, nil
	}
	return 0, fileErr(ErrUnsupported, path, msg.T("Mailroom reads .xlsx, .xlsm, .xltx, .csv and .txt files, not {{.Extension}} files", "Extension", displayExt(ext)),
		msg.T("save or export the list as .xlsx or .csv"), nil)
}

func displayExt(ext string) string {
	if ext == "" {
		return "extension-less"
	}
	return ext
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	got, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return buf[:got], nil
}

func looksLikeMarkup(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	return bytes.HasPrefix(t, []byte("<"))
}

// oleError explains an OLE compound file: either an encrypted OOXML
// workbook or a legacy .xls. Excel uses the same container for both, so
// the encrypted-package stream name is what tells them apart.
func oleError(path, ext string) error {
	data, err := os.ReadFile(path)
	if err == nil && bytes.Contains(data, encryptedPackageName) {
		return fileErr(ErrEncrypted, path, msg.T("the workbook is password-protected"),
			msg.T("open it in Excel, remove the password (File → Info → Protect Workbook → Encrypt with Password, clear the box) and save it as .xlsx"), nil)
	}
	what := msg.T("this is an Excel 97-2003 workbook (.xls), which Mailroom cannot read")
	if ext != ".xls" {
		what = msg.T("this is an Excel 97-2003 workbook (old .xls format) named {{.Extension}}, which Mailroom cannot read", "Extension", displayExt(ext))
	}
	return fileErr(ErrLegacyExcel, path, what, saveAsXLSX(), nil)
}

func numbersError(path string) error {
	return fileErr(ErrUnsupported, path, msg.T("this is an Apple Numbers file, which Mailroom cannot read"),
		msg.T("export it from Numbers as Excel: File → Export To → Excel…"), nil)
}

// checkZip recognises the zip-based formats that are not OOXML workbooks
// and bounds what the package may unpack to, from the sizes in the zip
// directory and before anything is inflated: archive/zip refuses to
// inflate an entry past its declared size, and reads no more than its
// declared packed size, so a lying directory cannot get around the limits.
//   - the parts' packed sizes must fit in the file (overlapping entries,
//     which reuse one packed stream many times, are a known bomb);
//   - parts that unpack to more than maxDenseRatio times their packed size
//     may unpack to denseAllowance together, so the whole package unpacks
//     to at most denseAllowance plus maxDenseRatio times the file's size;
//   - the package unpacks to at most maxUnpacked.
func checkZip(path, ext string, size, maxUnpacked int64) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fileErr(ErrCorrupt, path, msg.T("the file is damaged or is not really an Excel workbook"),
			openAndSaveAsXLSX(), err)
	}
	defer zr.Close()
	var total, packed, dense, densePacked uint64
	names := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		total += f.UncompressedSize64
		packed += f.CompressedSize64
		if f.UncompressedSize64 > maxDenseRatio*f.CompressedSize64 {
			dense += f.UncompressedSize64
			densePacked += f.CompressedSize64
		}
		names[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = true
	}
	switch {
	case names["xl/workbook.bin"]:
		return fileErr(ErrUnsupported, path, msg.T("this is an Excel binary workbook (.xlsb), which Mailroom cannot read"), saveAsXLSX(), nil)
	case names["mimetype"] && names["content.xml"]:
		return fileErr(ErrUnsupported, path, msg.T("this is an OpenDocument spreadsheet (.ods), which Mailroom cannot read"),
			msg.T("save it as .xlsx: in LibreOffice choose File → Save As → Excel 2007-365 (.xlsx)"), nil)
	case names["index/document.iwa"] || ext == ".numbers":
		return numbersError(path)
	case !names["xl/workbook.xml"]:
		return fileErr(ErrUnsupported, path, msg.T("this is a ZIP archive or Office document, not an Excel workbook"),
			msg.T("unpack it or export the list as .xlsx or .csv"), nil)
	}
	if packed > uint64(size) {
		return fileErr(ErrCorrupt, path, msg.T("the file is damaged: its parts claim more space than the file has"),
			openAndSaveAsXLSX(), nil)
	}
	if dense > uint64(denseAllowance) {
		return denseError(path, int64(min(dense, 1<<62)), int64(densePacked))
	}
	if total > uint64(maxUnpacked) {
		return fileErr(ErrTooLarge, path,
			msg.T("the workbook unpacks to {{.Size}}, more than the {{.Limit}} Mailroom accepts; the file may be damaged or hostile", "Size", humanSize(int64(min(total, 1<<62))), "Limit", humanSize(maxUnpacked)),
			msg.T("if it is a genuine list, split it into smaller workbooks or save it as .csv"), nil)
	}
	return nil
}
