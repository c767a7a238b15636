package journal

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Archive is the optional audit archive: every message exactly as sent,
// one .eml file each, plus a manifest listing row, address, Message-ID,
// SHA-256 of the file, time and server reply, both as manifest.csv (for
// people) and manifest.jsonl (one JSON object per line, for programs).
// Both manifests are appended to, so a resumed campaign extends them.
type Archive struct {
	dir string

	mu       sync.Mutex
	csvFile  *os.File
	csv      *csv.Writer
	jsonFile *os.File
	closed   bool
}

// ArchiveEntry is one line of the manifest.
type ArchiveEntry struct {
	Row       int       `json:"row"`
	Address   string    `json:"address"`
	MessageID string    `json:"message_id"`
	SHA256    string    `json:"sha256"` // filled in by Add
	Time      time.Time `json:"time"`
	Reply     string    `json:"reply"`
	File      string    `json:"file"` // relative to the archive folder; filled in by Add
}

var manifestHeader = []string{"Row", "Address", "Message-ID", "SHA-256", "Time", "Server reply", "File"}

// OpenArchive creates dir if needed and opens its manifests for appending.
func OpenArchive(dir string) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("audit archive %s: %w", dir, err)
	}
	csvPath := filepath.Join(dir, "manifest.csv")
	_, statErr := os.Stat(csvPath)
	fresh := errors.Is(statErr, os.ErrNotExist)
	csvFile, err := os.OpenFile(csvPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("audit archive %s: %w", dir, err)
	}
	jsonFile, err := os.OpenFile(filepath.Join(dir, "manifest.jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		csvFile.Close()
		return nil, fmt.Errorf("audit archive %s: %w", dir, err)
	}
	a := &Archive{dir: dir, csvFile: csvFile, csv: csv.NewWriter(csvFile), jsonFile: jsonFile}
	a.csv.UseCRLF = true
	if fresh {
		// The byte-order mark makes Excel read the manifest as UTF-8.
		if _, err := io.WriteString(csvFile, "\uFEFF"); err != nil {
			a.Close()
			return nil, fmt.Errorf("audit archive %s: %w", dir, err)
		}
		if err := a.csv.Write(manifestHeader); err != nil {
			a.Close()
			return nil, fmt.Errorf("audit archive %s: %w", dir, err)
		}
	}
	return a, nil
}

// Add stores one message. write is the caller's hook that writes the
// message exactly as it went over the wire (for a go-mail message,
// msg.WriteTo). The .eml file is named after the row and address; its
// SHA-256 and name are filled into the returned entry and the manifest.
func (a *Archive) Add(e ArchiveEntry, write func(io.Writer) error) (ArchiveEntry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return e, ErrClosed
	}
	e.File = emlName(e.Row, e.Address, e.MessageID)
	path := filepath.Join(a.dir, e.File)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return e, fmt.Errorf("audit archive: %w", err)
	}
	sum := sha256.New()
	err = write(io.MultiWriter(f, sum))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return e, fmt.Errorf("audit archive %s: %w", path, err)
	}
	e.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	if _, err := a.jsonFile.Write(append(line, '\n')); err != nil {
		return e, fmt.Errorf("audit archive manifest: %w", err)
	}
	if err := a.csv.Write([]string{strconv.Itoa(e.Row), e.Address, e.MessageID, e.SHA256,
		e.Time.Local().Format(reportTime), e.Reply, e.File}); err != nil {
		return e, err
	}
	a.csv.Flush()
	return e, a.csv.Error()
}

// emlName is "row-0042 li.na@example.com.eml", made safe for every file
// system; the Message-ID keeps a resent row from overwriting the first
// copy.
func emlName(row int, address, messageID string) string {
	id := messageID
	if at := strings.IndexByte(id, '@'); at > 0 {
		id = id[:at]
	}
	if len(id) > 16 {
		id = id[len(id)-16:]
	}
	name := fmt.Sprintf("row-%04d %s %s", row, address, id)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	return name + ".eml"
}

// Close flushes the manifests to disk.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	a.csv.Flush()
	return errors.Join(a.csv.Error(), a.csvFile.Sync(), a.jsonFile.Sync(), a.csvFile.Close(), a.jsonFile.Close())
}
