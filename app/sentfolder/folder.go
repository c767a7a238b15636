package sentfolder

import (
	"strings"

	"github.com/emersion/go-imap/v2"
)

// commonSentNames are the names providers and mail programs give the Sent
// folder, tried in this order when no folder is marked \Sent. "INBOX.Sent"
// stands for a Sent folder under INBOX with any hierarchy delimiter
// (Courier and Cyrus servers).
var commonSentNames = []string{"Sent", "Sent Messages", "Sent Items", "Sent Mail", "已发送", "已发送邮件", "INBOX.Sent"}

// chooseSentFolder picks the folder to copy into from a LIST answer: the
// wanted name when set (exactly, else ignoring case), otherwise the
// folder marked \Sent (RFC 6154), otherwise the first common name found.
func chooseSentFolder(list []*imap.ListData, wanted string) (string, bool) {
	var usable []*imap.ListData
	for _, d := range list {
		if !hasAttr(d, imap.MailboxAttrNoSelect) && !hasAttr(d, imap.MailboxAttrNonExistent) {
			usable = append(usable, d)
		}
	}
	if wanted != "" {
		return findName(usable, func(d *imap.ListData) bool { return d.Mailbox == wanted },
			func(d *imap.ListData) bool { return strings.EqualFold(d.Mailbox, wanted) })
	}
	if name, ok := findName(usable, func(d *imap.ListData) bool { return hasAttr(d, imap.MailboxAttrSent) }); ok {
		return name, true
	}
	for _, common := range commonSentNames {
		name, ok := findName(usable, func(d *imap.ListData) bool { return isCommonName(d, common) })
		if ok {
			return name, true
		}
	}
	return "", false
}

// findName returns the first folder matching the first rule that matches
// any folder.
func findName(list []*imap.ListData, rules ...func(*imap.ListData) bool) (string, bool) {
	for _, rule := range rules {
		for _, d := range list {
			if rule(d) {
				return d.Mailbox, true
			}
		}
	}
	return "", false
}

func isCommonName(d *imap.ListData, common string) bool {
	if common == "INBOX.Sent" && d.Delim != 0 {
		common = "INBOX" + string(d.Delim) + "Sent"
	}
	return strings.EqualFold(d.Mailbox, common)
}

// Attributes are case-insensitive (RFC 9051 section 7.3.1).
func hasAttr(d *imap.ListData, attr imap.MailboxAttr) bool {
	for _, a := range d.Attrs {
		if strings.EqualFold(string(a), string(attr)) {
			return true
		}
	}
	return false
}

// folderNames lists the names for an error message.
func folderNames(list []*imap.ListData) []string {
	names := make([]string, 0, len(list))
	for _, d := range list {
		if !hasAttr(d, imap.MailboxAttrNonExistent) {
			names = append(names, d.Mailbox)
		}
	}
	return names
}
