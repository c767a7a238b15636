package ui

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/campaign"
	"mailroom/assets"
)

// sampleFolder is where the sample campaign is unpacked, inside the data
// folder; dryRunFolder is where its messages are written.
const (
	sampleFolder = "sample"
	dryRunFolder = "messages"
)

// shouldWelcome is a first start: no account and nothing typed yet.
func (m *mainWindow) shouldWelcome() bool {
	return m.accountCount == 0 && m.doc.empty()
}

// welcomeContent says what Mailroom does and offers the two ways to
// start: the sample campaign, which runs without any account, and adding
// the user's own account.
func (m *mainWindow) welcomeContent() fyne.CanvasObject {
	title := widget.NewRichText(&widget.TextSegment{Text: lang.L("Welcome to Mailroom"), Style: widget.RichTextStyleHeading})
	intro := widget.NewLabel(lang.L("Mailroom sends a personal email to every person on your list, through your own mailbox. Each person gets their own message and sees only their own address, and nobody is emailed twice — even after a crash."))
	intro.Wrapping = fyne.TextWrapWord
	steps := widget.NewLabel(lang.L("1. Add your mail account   2. Choose the recipients: a spreadsheet, or type the addresses   3. Write the message   4. Check and send"))
	steps.TextStyle.Bold = true
	steps.Wrapping = fyne.TextWrapWord

	sample := widget.NewButtonWithIcon(lang.L("Open the sample campaign"), theme.MailComposeIcon(), m.openSample)
	sample.Importance = widget.HighImportance
	sampleNote := widget.NewLabel(lang.L("Try every step without an account: the messages are written to a folder on this computer and nothing is sent."))
	sampleNote.Wrapping = fyne.TextWrapWord
	account := widget.NewButtonWithIcon(lang.L("Add my mail account"), theme.AccountIcon(), func() {
		m.leaveWelcome()
		m.showPage(m.accountsTab)
	})
	accountNote := widget.NewLabel(lang.L("QQ Mail, 163, Gmail, Outlook or your company's server: Mailroom fills in the settings."))
	accountNote.Wrapping = fyne.TextWrapWord
	empty := widget.NewButton(lang.L("Start with an empty campaign"), func() {
		m.leaveWelcome()
		m.showPage(m.recipientsTab)
	})
	empty.Importance = widget.LowImportance

	choices := container.NewVBox(
		sample, sampleNote, widget.NewSeparator(),
		account, accountNote, widget.NewSeparator(),
		container.NewHBox(empty),
	)
	body := container.NewVBox(title, intro, steps, widget.NewSeparator(), choices)
	return container.NewVScroll(container.NewPadded(container.NewCenter(container.New(&maxWidth{width: 620}, body))))
}

// maxWidth lays out its objects stacked at most width wide, so that text
// on a large screen stays readable.
type maxWidth struct{ width float32 }

func (l *maxWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, 0)
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(s.Width, l.width), s.Height)
}

func (l *maxWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (m *mainWindow) showWelcome() {
	m.win.SetContent(m.welcomeContent())
}

func (m *mainWindow) leaveWelcome() {
	m.win.SetContent(m.shell)
}

// openSample unpacks the sample campaign (once; the user's changes to it
// are kept) and opens it, set to a dry run.
func (m *mainWindow) openSample() {
	m.askToSave(func() {
		path, err := installSample(filepath.Join(m.deps.DataDir, sampleFolder))
		if err == nil {
			err = m.open(path)
		}
		if err != nil {
			showError(err, m.win)
			return
		}
		m.leaveWelcome()
		m.showPage(m.composeTab)
	})
}

// installSample writes the sample campaign into dir unless it is there
// already, with the mail server replaced by a dry run into dir/messages,
// and returns the campaign file.
func installSample(dir string) (string, error) {
	path := filepath.Join(dir, "campaign.json")
	if fileExists(path) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	err := fs.WalkDir(assets.Sample, "sample", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "campaign.json") {
			return err
		}
		data, err := assets.Sample.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644)
	})
	if err != nil {
		return "", err
	}
	data, err := assets.Sample.ReadFile("sample/campaign.json")
	if err != nil {
		return "", err
	}
	var c campaign.Campaign
	if err := json.Unmarshal(data, &c); err != nil {
		return "", err
	}
	c.SMTP = ""
	c.DryRun = filepath.Join(dir, dryRunFolder)
	for _, p := range []*string{&c.Recipients, &c.Body, &c.Journal, &c.Report} {
		if *p != "" {
			*p = filepath.Join(dir, *p)
		}
	}
	return path, c.Save(path)
}

// showGuide opens the user guide in the user's language.
func (m *mainWindow) showGuide() {
	name := "help/guide.en.md"
	if strings.HasPrefix(string(lang.SystemLocale()), "zh") {
		name = "help/guide.zh_Hans.md"
	}
	data, err := assets.Guide.ReadFile(name)
	if err != nil {
		showError(err, m.win)
		return
	}
	text := widget.NewRichTextFromMarkdown(string(data))
	text.Wrapping = fyne.TextWrapWord
	w := m.app.NewWindow(lang.L("Mailroom user guide"))
	w.SetContent(container.NewVScroll(container.NewPadded(text)))
	w.Resize(fyne.NewSize(640, 600))
	w.Show()
}

// showAbout opens the About dialog (ui/about.go): version, licence and
// the folder holding the user's data.
func (m *mainWindow) showAbout() {
	settingsDir, _, _ := campaign.DefaultDirs()
	showAbout(m.win, settingsDir)
}
