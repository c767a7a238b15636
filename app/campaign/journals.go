package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"mailroom/app/atomicfile"
	"mailroom/app/journal"
)

// JournalsFileName lists, in the data folder, every journal a run has
// written, so History finds campaigns whose file names a journal of its
// own (`journal` in the campaign, `--journal`), not only those in the
// default journal.
const JournalsFileName = "journals.json"

type journalsFile struct {
	Version  int      `json:"version"`
	Journals []string `json:"journals"`
}

// journalsMu serialises this process's updates of the list; another
// process adding one at the very same moment may lose its entry, which
// its next run adds again.
var journalsMu sync.Mutex

// RememberJournal adds the journal at path to the list in env.DataDir,
// when it is not the default one and not listed yet. A run calls it when
// it starts.
func RememberJournal(env Env, path string) error {
	if env.DataDir == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if abs == defaultJournal(env) {
		return nil
	}
	journalsMu.Lock()
	defer journalsMu.Unlock()
	f, err := readJournalsFile(env)
	var damaged *json.SyntaxError
	switch {
	case errors.As(err, &damaged):
		f = journalsFile{} // written afresh: later runs list theirs again
	case err != nil:
		return err
	}
	if slices.Contains(f.Journals, abs) {
		return nil
	}
	f.Version = 1
	f.Journals = append(f.Journals, abs)
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(env.DataDir, 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(env.DataDir, JournalsFileName), append(data, '\n'), 0o600)
}

// Journals lists the journals History reads: the default one in
// env.DataDir, then every remembered one that still exists, each once.
func Journals(env Env) ([]string, error) {
	out := []string{defaultJournal(env)}
	f, err := readJournalsFile(env)
	if err != nil {
		return out, err
	}
	for _, p := range f.Journals {
		if slices.Contains(out, p) {
			continue
		}
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			out = append(out, p)
		}
	}
	return out, nil
}

func defaultJournal(env Env) string {
	p := filepath.Join(env.DataDir, journal.DefaultFileName)
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func readJournalsFile(env Env) (journalsFile, error) {
	var f journalsFile
	path := filepath.Join(env.DataDir, JournalsFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return journalsFile{}, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}
