package inbox

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
)

// Kind is what a message found in the mailbox says about a row.
type Kind string

// The kinds of findings.
const (
	// Bounce: the message could not be delivered (or is delayed).
	Bounce Kind = "bounce"
	// Reply: a person answered.
	Reply Kind = "reply"
	// AutoReply: an automatic answer (out of office, vacation); it does not
	// count as a reply.
	AutoReply Kind = "auto-reply"
	// Unsubscribe: a request to be left alone, sent to the campaign's
	// mailto: unsubscribe address.
	Unsubscribe Kind = "unsubscribe"
)

// Finding is one thing a message says about a campaign's row, before it
// is matched to the row.
type Finding struct {
	Kind Kind
	// Hard is true for a permanent failure (5.x.x); a soft bounce (4.x.x,
	// delayed) may still be delivered.
	Hard bool
	// Status is the enhanced status code ("5.1.1"), or "" when the notice
	// gives none; Code the basic SMTP reply code (550), or 0.
	Status string
	Code   int
	// Diagnostic is the remote server's words (or the notice's), one line.
	Diagnostic string
	// Recipient is the address that bounced, or the sender of a reply.
	Recipient string
	// Subject is the reply's subject (never its body).
	Subject string
	// At is when the message was written (its Date), else received.
	At time.Time
	// MessageIDs are the Message-IDs (no angle brackets) of the messages
	// this one is about: the bounced message, or those a reply answers.
	MessageIDs []string
	// Key is the row key an unsubscribe request names in its subject.
	Key string
	// Source identifies the message that said it (its Message-ID, else
	// folder and UID), so that reading it again changes nothing.
	Source string
}

// Classify says what n is about: one finding per failed recipient of a
// bounce, one for a reply, automatic reply or unsubscribe request, and
// none for anything else. Matching the findings to rows is the caller's.
func Classify(n Notice) []Finding {
	h := n.Header
	base := Finding{At: n.Received, Source: noticeSource(n)}
	if date, err := h.Date(); err == nil && !date.IsZero() {
		base.At = date
	}
	if isBounce(n) {
		return bounces(n, base)
	}
	refs := append(msgIDs(h.Get("In-Reply-To")), msgIDs(h.Get("References"))...)
	subject := headerText(h, "Subject")
	from := firstAddress(h, "From")
	base.Subject, base.Recipient, base.MessageIDs = oneLine(subject, 200), from, dedupe(refs)
	if key, ok := unsubscribeSubject(subject); ok {
		base.Kind, base.Key = Unsubscribe, key
		return []Finding{base}
	}
	if isAutomatic(h, subject) {
		base.Kind = AutoReply
		return []Finding{base}
	}
	if len(refs) > 0 {
		base.Kind = Reply
		return []Finding{base}
	}
	return nil
}

func noticeSource(n Notice) string {
	if id := msgIDs(n.Header.Get("Message-Id")); len(id) > 0 {
		return id[0]
	}
	return fmt.Sprintf("%s/%d@%d", n.Folder, n.UID, n.Received.Unix())
}

// isBounce recognises a delivery status notification: a multipart/report
// of type delivery-status (RFC 3464), or the non-standard forms, which
// come from a mailer daemon or postmaster, name the failed recipients in
// X-Failed-Recipients (Exim, Gmail), or say so in the subject (Exchange's
// "Undeliverable:", QQ's and NetEase's "退信").
func isBounce(n Notice) bool {
	h := n.Header
	t, params, _ := h.ContentType()
	if t == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
		return true
	}
	if n.Report != nil || h.Get("X-Failed-Recipients") != "" {
		return true
	}
	from := strings.ToLower(firstAddress(h, "From"))
	local, _, _ := strings.Cut(from, "@")
	if local == "mailer-daemon" || local == "postmaster" || local == "mail-daemon" {
		return true
	}
	return bounceSubject.MatchString(headerText(h, "Subject"))
}

var bounceSubject = regexp.MustCompile(`(?i)^\s*(undeliver|undelivered mail|delivery status notification|delivery failure|delivery has failed|` +
	`mail delivery failed|failure notice|returned mail|delivery notification|warning: message .* delayed|` +
	`delayed mail|mail delivery delayed|系统退信|退信|投递失败|邮件投递失败|未能送达|无法投递|发送失败|延迟投递|投递延迟)`)

// bounces reads the failed recipients of a bounce: from the report where
// there is one, else from the text.
func bounces(n Notice, base Finding) []Finding {
	base.Kind = Bounce
	base.MessageIDs = originalIDs(n)
	text := n.Text
	var out []Finding
	if n.Report != nil {
		for _, r := range parseReport(n.Report) {
			action := strings.ToLower(r.Get("Action"))
			if action != "" && action != "failed" && action != "delayed" {
				continue // delivered, relayed, expanded: good news
			}
			f := base
			f.Recipient = reportAddress(r.Get("Final-Recipient"))
			if f.Recipient == "" {
				f.Recipient = reportAddress(r.Get("Original-Recipient"))
			}
			f.Status = enhancedStatus(r.Get("Status"))
			diag := r.Get("Diagnostic-Code")
			if _, rest, ok := strings.Cut(diag, ";"); ok {
				diag = rest
			}
			f.Diagnostic = oneLine(diag, maxDiagnostic)
			f.Code = basicCode(f.Diagnostic)
			if f.Status == "" {
				f.Status = enhancedStatus(f.Diagnostic)
			}
			f.Hard = hardness(f.Status, f.Code, action == "delayed", text)
			if f.Diagnostic == "" {
				f.Diagnostic = textDiagnostic(text)
			}
			out = append(out, f)
		}
		if len(out) > 0 {
			return out
		}
		if reportSaysOnlyGoodNews(n.Report) {
			return nil
		}
	}
	// Non-standard, or a report that could not be read: the text, the
	// X-Failed-Recipients header and the returned message tell the rest.
	f := base
	f.Diagnostic = textDiagnostic(text)
	f.Status = enhancedStatus(f.Diagnostic)
	if f.Status == "" {
		f.Status = enhancedStatus(text)
	}
	f.Code = basicCode(f.Diagnostic)
	if f.Code == 0 {
		f.Code = basicCode(text)
	}
	delayed := delayedWords.MatchString(headerText(n.Header, "Subject")) || (f.Code == 0 && f.Status == "" && delayedWords.MatchString(text))
	f.Hard = hardness(f.Status, f.Code, delayed, text)
	recipients := failedRecipients(n)
	if len(recipients) == 0 {
		return []Finding{f}
	}
	for _, r := range recipients {
		g := f
		g.Recipient = r
		out = append(out, g)
	}
	return out
}

var delayedWords = regexp.MustCompile(`(?i)\b(delay(ed)?|will (be )?retr(y|ied)|still trying|not yet been delivered)\b|延迟|延时|仍在尝试|稍后重试`)

// hardness decides hard or soft: the enhanced code's class, else the
// basic code's, else whether the notice says "delayed".
func hardness(status string, code int, delayed bool, text string) bool {
	switch {
	case strings.HasPrefix(status, "5."):
		return true
	case strings.HasPrefix(status, "4."):
		return false
	case code >= 500:
		return true
	case code >= 400:
		return false
	}
	return !delayed
}

// reportSaysOnlyGoodNews is true for a report whose every recipient was
// delivered or relayed (a positive DSN someone asked for).
func reportSaysOnlyGoodNews(report []byte) bool {
	fields := parseReport(report)
	if len(fields) == 0 {
		return false
	}
	for _, r := range fields {
		switch strings.ToLower(r.Get("Action")) {
		case "delivered", "relayed", "expanded":
		default:
			return false
		}
	}
	return true
}

// reportFields is one block of a delivery-status report.
type reportFields map[string]string

func (r reportFields) Get(k string) string { return r[strings.ToLower(k)] }

// parseReport splits a message/delivery-status body into its
// per-recipient blocks (the per-message block is dropped). Lines are
// unfolded; a malformed block yields what it can.
func parseReport(report []byte) []reportFields {
	text := strings.ReplaceAll(string(report), "\r\n", "\n")
	blocks := strings.Split(text, "\n\n")
	var out []reportFields
	for _, block := range blocks {
		fields := reportFields{}
		var last string
		for _, line := range strings.Split(block, "\n") {
			if line == "" {
				continue
			}
			if (line[0] == ' ' || line[0] == '\t') && last != "" {
				fields[last] += " " + strings.TrimSpace(line)
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			last = strings.ToLower(strings.TrimSpace(k))
			if _, seen := fields[last]; !seen {
				fields[last] = strings.TrimSpace(v)
			}
		}
		if fields.Get("Final-Recipient") != "" || fields.Get("Original-Recipient") != "" {
			out = append(out, fields)
		}
	}
	return out
}

// reportAddress reads "rfc822; bob@example.com" (the address type is
// optional in practice).
func reportAddress(v string) string {
	if _, rest, ok := strings.Cut(v, ";"); ok {
		v = rest
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if !strings.Contains(v, "@") {
		return ""
	}
	return strings.ToLower(v)
}

var (
	enhancedRe = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	basicRe    = regexp.MustCompile(`(?:^|[^0-9A-Za-z.\-])([45][0-5][0-9])(?:[\s\-:,.)]|$)`)
)

// enhancedStatus finds an RFC 3463 code ("5.1.1") in s.
func enhancedStatus(s string) string {
	if m := enhancedRe.FindString(s); m != "" {
		return m
	}
	return ""
}

// basicCode finds a basic SMTP reply code (550) in s, 0 if none.
func basicCode(s string) int {
	m := basicRe.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// textDiagnostic picks the line of a bounce's text that carries the
// remote server's reply: the first with an SMTP code, else the first
// line that says why.
func textDiagnostic(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if basicCode(line) != 0 || enhancedStatus(line) != "" {
			// Postfix and Exim fold long replies onto the next lines.
			for _, next := range lines[i+1 : min(i+3, len(lines))] {
				if t := strings.TrimSpace(next); t != "" && (next[0] == ' ' || next[0] == '\t') {
					line += " " + t
				}
			}
			return oneLine(line, maxDiagnostic)
		}
	}
	for _, line := range lines {
		if reasonWords.MatchString(line) {
			return oneLine(line, maxDiagnostic)
		}
	}
	return ""
}

var reasonWords = regexp.MustCompile(`(?i)does not exist|doesn't exist|not found|unknown user|user unknown|no such user|mailbox (is )?full|over quota|rejected|spam|couldn't be delivered|could not be delivered|不存在|已满|空间不足|拒绝|垃圾邮件|退回的原因|退信原因`)

// failedRecipients reads the recipients of a non-standard bounce: the
// X-Failed-Recipients header, else the addresses the text names on the
// same line as a failure, else the returned message's To.
func failedRecipients(n Notice) []string {
	var out []string
	for _, v := range n.Header.Values("X-Failed-Recipients") {
		for _, a := range strings.Split(v, ",") {
			if a = reportAddress(a); a != "" {
				out = append(out, a)
			}
		}
	}
	if len(out) > 0 {
		return dedupe(out)
	}
	own := map[string]bool{strings.ToLower(firstAddress(n.Header, "To")): true, strings.ToLower(firstAddress(n.Header, "From")): true}
	for _, line := range strings.Split(n.Text, "\n") {
		if !strings.Contains(line, "@") {
			continue
		}
		for _, a := range addressRe.FindAllString(line, -1) {
			a = strings.ToLower(strings.Trim(a, "<>.,;:"))
			if !own[a] && !strings.HasPrefix(a, "mailer-daemon@") && !strings.HasPrefix(a, "postmaster@") {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			return dedupe(out)
		}
	}
	if n.Original != nil {
		if a := firstAddress(*n.Original, "To"); a != "" {
			return []string{strings.ToLower(a)}
		}
	}
	return nil
}

var addressRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+`)

// originalIDs finds the bounced message's Message-ID: the report's or the
// header's Original-Message-ID, the returned message's header, the
// bounce's own In-Reply-To/References, and a "Message-ID:" line quoted in
// the text (Exim and NetEase copy the message inline).
func originalIDs(n Notice) []string {
	var ids []string
	ids = append(ids, msgIDs(n.Header.Get("Original-Message-ID"))...)
	for _, block := range strings.Split(strings.ReplaceAll(string(n.Report), "\r\n", "\n"), "\n\n") {
		for _, line := range strings.Split(block, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Original-Message-ID") {
				ids = append(ids, msgIDs(v)...)
			}
		}
	}
	if n.Original != nil {
		ids = append(ids, msgIDs(n.Original.Get("Message-Id"))...)
	}
	ids = append(ids, msgIDs(n.Header.Get("In-Reply-To"))...)
	ids = append(ids, msgIDs(n.Header.Get("References"))...)
	for _, m := range quotedMessageID.FindAllStringSubmatch(n.Text, 4) {
		ids = append(ids, msgIDs(m[1])...)
	}
	return dedupe(ids)
}

var quotedMessageID = regexp.MustCompile(`(?im)^\s*Message-ID:\s*(<[^<>\s]+>)`)

var msgIDRe = regexp.MustCompile(`<([^<>\s]{3,250})>`)

// msgIDs extracts every <id> of a header value, without the brackets;
// lenient where real mail is (missing brackets around a lone id).
func msgIDs(v string) []string {
	var out []string
	for _, m := range msgIDRe.FindAllStringSubmatch(v, 50) {
		out = append(out, m[1])
	}
	if out == nil {
		if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>") && strings.Contains(v, "@") {
			out = append(out, v)
		}
	}
	return out
}

// isAutomatic recognises automatic replies: Auto-Submitted other than
// "no" (RFC 3834), the X-Autoreply / X-Autorespond headers of
// Exchange-less servers, Precedence: auto_reply, and out-of-office
// subjects in English and Chinese.
func isAutomatic(h mail.Header, subject string) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || h.Get("X-Autoresponder") != "" {
		return true
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("Precedence")), "auto_reply") {
		return true
	}
	return autoSubject.MatchString(subject)
}

var autoSubject = regexp.MustCompile(`(?i)^\s*(automatic reply|auto(matic)?[- ]?reply|auto[- ]?response|autoreply|out of (the )?office|ooo\b|on vacation|vacation reply|abwesenheit|` +
	`自动回复|自動回覆|自动答复|休假|不在办公室|外出|出差)`)

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|aw|sv|答复|回复|回覆|转发)\s*[:：]\s*)+`)

// unsubscribeSubject recognises a request to the mailto: unsubscribe
// address: "unsubscribe <row key>" (what Mailroom's List-Unsubscribe
// link puts in the subject), a bare "unsubscribe", or the Chinese "退订"
// / "TD", behind any "Re:" a mail program added. It returns the key.
func unsubscribeSubject(subject string) (string, bool) {
	s := strings.TrimSpace(replyPrefix.ReplaceAllString(subject, ""))
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "unsubscribe"):
		return strings.TrimSpace(s[len("unsubscribe"):]), true
	case strings.HasPrefix(s, "退订"):
		return strings.TrimSpace(strings.TrimPrefix(s, "退订")), true
	case strings.EqualFold(s, "TD"):
		return "", true
	}
	return "", false
}

// headerText is a decoded header value.
func headerText(h mail.Header, key string) string {
	v, err := h.Text(key)
	if err != nil {
		return decodeWords(h.Get(key))
	}
	return v
}

// firstAddress is the first address of an address header, lower-cased
// domain untouched; "" when it cannot be read.
func firstAddress(h mail.Header, key string) string {
	if list, err := h.AddressList(key); err == nil && len(list) > 0 {
		return list[0].Address
	}
	if m := addressRe.FindString(h.Get(key)); m != "" {
		return m
	}
	return ""
}

// oneLine folds s onto one line and cuts it at max bytes on a rune
// boundary.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
