package inbox

import (
	"bytes"
	"context"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	gomessage "github.com/emersion/go-message"

	"mailroom/app/sentfolder"
)

// Cursor is where reading stopped in one folder: a pass reads only
// messages with a higher UID, unless the folder's UIDVALIDITY changed
// (the server renumbered it), in which case it starts again.
type Cursor struct {
	Folder      string
	UIDValidity uint32
	LastUID     uint32
}

// Result is what one pass read.
type Result struct {
	Findings []Finding
	// Cursors are the folders' positions after the pass, to keep for the
	// next one.
	Cursors []Cursor
	// Read is how many new messages were looked at (their headers).
	Read int
	// Folders are the folders read (INBOX and the Junk folder if any).
	Folders []string
}

// batchSize is how many messages one FETCH asks for: big enough to keep
// round trips few over 10,000 messages, small enough that a connection
// lost in the middle costs little.
const batchSize = 250

// junkNames are the usual names of the spam folder where none is marked
// \Junk (RFC 6154).
var junkNames = []string{"Junk", "Spam", "Junk E-mail", "Junk Email", "Bulk Mail", "垃圾邮件", "垃圾箱", "[Gmail]/Spam", "INBOX.Junk", "INBOX.Spam"}

// ReadFolders picks the folders a pass reads: INBOX, and the Junk folder
// (marked \Junk, else a usual name), where bounces and replies are often
// filed.
func ReadFolders(list []*imap.ListData) []string {
	folders := []string{"INBOX"}
	usable := func(d *imap.ListData) bool {
		return !sentfolder.HasAttr(d, imap.MailboxAttrNoSelect) && !sentfolder.HasAttr(d, imap.MailboxAttrNonExistent)
	}
	for _, d := range list {
		if usable(d) && sentfolder.HasAttr(d, imap.MailboxAttrJunk) {
			return append(folders, d.Mailbox)
		}
	}
	for _, name := range junkNames {
		for _, d := range list {
			if usable(d) && strings.EqualFold(d.Mailbox, name) {
				return append(folders, d.Mailbox)
			}
		}
	}
	return folders
}

// Scan reads, strictly read-only (EXAMINE, BODY.PEEK; nothing is
// flagged, moved or deleted), the messages that arrived in INBOX and the
// Junk folder after the cursors, or for a folder without one since the
// day of since, and classifies them. Per message it fetches the header
// (at most 64 KB) and the body structure; only for a bounce does it fetch
// the delivery report, the returned message's header and the start of
// the text, each capped, so a 20 MB message costs what a small one does.
//
// On an error the result holds what was read until then, with cursors
// that let the next pass continue from there.
func Scan(ctx context.Context, s *sentfolder.Session, since time.Time, cursors []Cursor) (Result, error) {
	list, err := s.Folders(ctx)
	if err != nil {
		return Result{}, err
	}
	var res Result
	res.Folders = ReadFolders(list)
	for _, folder := range res.Folders {
		cur := Cursor{Folder: folder}
		for _, c := range cursors {
			if c.Folder == folder {
				cur = c
			}
		}
		err := scanFolder(ctx, s, since, &cur, &res)
		res.Cursors = append(res.Cursors, cur)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

func scanFolder(ctx context.Context, s *sentfolder.Session, since time.Time, cur *Cursor, res *Result) error {
	var uids []imap.UID
	err := s.Do(ctx, func(c *imapclient.Client) error {
		sel, err := c.Select(cur.Folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return err
		}
		if sel.UIDValidity != cur.UIDValidity {
			cur.UIDValidity, cur.LastUID = sel.UIDValidity, 0
		}
		if sel.NumMessages == 0 {
			return nil
		}
		criteria := &imap.SearchCriteria{}
		if !since.IsZero() {
			// SINCE compares dates in the server's zone: a day early is
			// safe, the cursor and the campaign's IDs do the rest.
			criteria.Since = since.AddDate(0, 0, -1)
		}
		var set imap.UIDSet
		set.AddRange(imap.UID(cur.LastUID+1), 0)
		criteria.UID = []imap.UIDSet{set}
		data, err := c.UIDSearch(criteria, nil).Wait()
		if err != nil {
			return err
		}
		for _, uid := range data.AllUIDs() {
			if uint32(uid) > cur.LastUID { // "n:*" includes the last message even below n
				uids = append(uids, uid)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for start := 0; start < len(uids); start += batchSize {
		batch := uids[start:min(start+batchSize, len(uids))]
		if err := scanBatch(ctx, s, cur.Folder, batch, res); err != nil {
			return err
		}
		cur.LastUID = uint32(batch[len(batch)-1])
	}
	return nil
}

// headerSection is the capped header fetch.
var headerSection = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true, Partial: &imap.SectionPartial{Size: maxHeader}}

// pending is a bounce whose parts are still to be fetched.
type pending struct {
	notice Notice
	parts  partPlan
}

func scanBatch(ctx context.Context, s *sentfolder.Session, folder string, uids []imap.UID, res *Result) error {
	var bounces []pending
	err := s.Do(ctx, func(c *imapclient.Client) error {
		cmd := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
			UID: true, InternalDate: true, BodyStructure: &imap.FetchItemBodyStructure{},
			BodySection: []*imap.FetchItemBodySection{headerSection},
		})
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			n := Notice{Folder: folder}
			var structure imap.BodyStructure
			for {
				item := msg.Next()
				if item == nil {
					break
				}
				switch item := item.(type) {
				case imapclient.FetchItemDataUID:
					n.UID = uint32(item.UID)
				case imapclient.FetchItemDataInternalDate:
					n.Received = item.Time
				case imapclient.FetchItemDataBodyStructure:
					structure = item.BodyStructure
				case imapclient.FetchItemDataBodySection:
					if item.Literal != nil {
						if h, err := ReadHeader(io.LimitReader(item.Literal, maxHeader)); err == nil {
							n.Header = h
						}
						_, _ = io.Copy(io.Discard, item.Literal)
					}
				}
			}
			res.Read++
			if isBounce(n) || isReport(structure) {
				bounces = append(bounces, pending{notice: n, parts: planParts(structure)})
				continue
			}
			res.Findings = append(res.Findings, Classify(n)...)
		}
		return cmd.Close()
	})
	if err != nil {
		return err
	}
	for _, b := range bounces {
		n := b.notice
		if err := fetchParts(ctx, s, &n, b.parts); err != nil {
			return err
		}
		res.Findings = append(res.Findings, Classify(n)...)
	}
	return nil
}

func isReport(bs imap.BodyStructure) bool {
	mp, ok := bs.(*imap.BodyStructureMultiPart)
	return ok && strings.EqualFold(mp.Subtype, "report") && mp.Extended != nil &&
		strings.EqualFold(mp.Extended.Params["report-type"], "delivery-status")
}

// partPlan says where a bounce's useful parts are.
type partPlan struct {
	report, original, text             *imap.BodyStructureSinglePart
	reportPath, originalPath, textPath []int
}

// planParts finds the first delivery report, returned message (or its
// headers) and human-readable text in a body structure.
func planParts(bs imap.BodyStructure) partPlan {
	var p partPlan
	if bs == nil {
		return p
	}
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		path = append([]int(nil), path...)
		switch t := single.MediaType(); {
		case t == "message/delivery-status" || t == "message/global-delivery-status":
			if p.report == nil {
				p.report, p.reportPath = single, path
			}
		case t == "message/rfc822" || t == "text/rfc822-headers" || t == "message/global" || t == "message/global-headers":
			if p.original == nil {
				p.original, p.originalPath = single, path
			}
		case t == "text/plain" || (t == "text/html" && (p.text == nil || p.text.MediaType() != "text/plain")):
			if p.text == nil || (t == "text/plain" && p.text.MediaType() == "text/html") {
				p.text, p.textPath = single, path
			}
		}
		return true
	})
	return p
}

// fetchParts fetches the planned parts of one bounce, each capped, and
// decodes them (transfer encoding, charset) into n.
func fetchParts(ctx context.Context, s *sentfolder.Session, n *Notice, p partPlan) error {
	type want struct {
		section *imap.FetchItemBodySection
		part    *imap.BodyStructureSinglePart
		use     func(part *imap.BodyStructureSinglePart, data []byte)
	}
	var wants []want
	if p.report != nil {
		wants = append(wants, want{&imap.FetchItemBodySection{Part: p.reportPath, Peek: true, Partial: &imap.SectionPartial{Size: maxReport}},
			p.report, func(part *imap.BodyStructureSinglePart, data []byte) { n.Report = decodePart(part, data, false) }})
	}
	if p.original != nil {
		section := &imap.FetchItemBodySection{Part: p.originalPath, Peek: true, Partial: &imap.SectionPartial{Size: maxHeader}}
		if p.original.MediaType() == "message/rfc822" || p.original.MediaType() == "message/global" {
			section.Specifier = imap.PartSpecifierHeader
		}
		wants = append(wants, want{section, p.original, func(part *imap.BodyStructureSinglePart, data []byte) {
			if section.Specifier == imap.PartSpecifierNone {
				data = decodePart(part, data, false)
			}
			if h, err := ReadHeader(bytes.NewReader(data)); err == nil {
				n.Original = &h
			}
		}})
	}
	if p.text != nil {
		wants = append(wants, want{&imap.FetchItemBodySection{Part: p.textPath, Peek: true, Partial: &imap.SectionPartial{Size: maxText}},
			p.text, func(part *imap.BodyStructureSinglePart, data []byte) {
				n.Text = bodyText(part.MediaType(), decodePart(part, data, true))
			}})
	}
	if len(wants) == 0 {
		return nil
	}
	sections := make([]*imap.FetchItemBodySection, len(wants))
	for i, w := range wants {
		sections[i] = w.section
	}
	return s.Do(ctx, func(c *imapclient.Client) error {
		cmd := c.Fetch(imap.UIDSetNum(imap.UID(n.UID)), &imap.FetchOptions{UID: true, BodySection: sections})
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			for {
				item := msg.Next()
				if item == nil {
					break
				}
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || body.Literal == nil {
					continue
				}
				data, _ := io.ReadAll(io.LimitReader(body.Literal, maxHeader))
				_, _ = io.Copy(io.Discard, body.Literal)
				for _, w := range wants {
					if body.MatchCommand(w.section) {
						w.use(w.part, data)
						break
					}
				}
			}
		}
		return cmd.Close()
	})
}

// decodePart undoes a part's transfer encoding (a cut base64 or
// quoted-printable tail is dropped) and, for text, converts its charset
// to UTF-8.
func decodePart(part *imap.BodyStructureSinglePart, data []byte, text bool) []byte {
	var h gomessage.Header
	if part.Encoding != "" {
		h.Set("Content-Transfer-Encoding", part.Encoding)
	}
	if text {
		h.SetContentType(part.MediaType(), part.Params)
	}
	if strings.EqualFold(part.Encoding, "base64") {
		data = wholeBase64(data)
	}
	// New decodes what it knows; with an unknown charset or encoding it
	// still returns the entity, undecoded, which is the best there is.
	e, _ := gomessage.New(h, bytes.NewReader(data))
	if e == nil {
		return data
	}
	out, err := io.ReadAll(e.Body)
	if err != nil && len(out) == 0 {
		return data
	}
	return out
}

// wholeBase64 drops a base64 tail cut by a partial fetch, which would
// make the decoder fail.
func wholeBase64(data []byte) []byte {
	clean := make([]byte, 0, len(data))
	for _, b := range data {
		if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
			clean = append(clean, b)
		}
	}
	return clean[:len(clean)/4*4]
}
