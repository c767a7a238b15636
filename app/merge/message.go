package merge

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"mailroom/app/msg"
	"mailroom/app/recipients"
	"mailroom/sender"
)

// RowError is a row whose message cannot be built; Problems say why.
type RowError struct {
	Row      int
	Problems recipients.Problems
}

func (e *RowError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return fmt.Sprintf("row %d has %d problems: %s", e.Row, len(e.Problems), strings.Join(msgs, "; "))
}

// UserText is the row's problems in the user's language.
func (e *RowError) UserText() msg.Text {
	texts := make([]msg.Text, len(e.Problems))
	for i, p := range e.Problems {
		texts[i] = p.Words()
	}
	return msg.List(texts)
}

// Message renders the row and builds the message the engine sends. key
// identifies the row in the journal. to holds the recipient — one
// address, or several when the user chose one message to all the
// addresses of a cell: the first is then the To and the others are added
// to Cc. Every Cc and Bcc is listed in ExplicitCopies, so the engine
// accepts them as asked for by the row.
func (c *Composer) Message(key string, row Row, to []string) (sender.Message, error) {
	if err := c.ready(); err != nil {
		return sender.Message{}, err
	}
	if row.Key == "" {
		row.Key = key
	}
	r := c.render(row)
	msg, id, err := c.build(r, to, true)
	if err != nil {
		return sender.Message{}, err
	}
	if err := c.signDKIM(msg); err != nil {
		return sender.Message{}, err
	}
	return c.senderMessage(key, r, msg, id), nil
}

// TestMessage renders row as the recipient would get it but addresses it
// to `to` (typically the sender's own address) with "[TEST] " before the
// subject and without the row's Cc/Bcc, so nobody else receives the test.
// Its key starts with "test:" and is unique, so it never touches the row's
// delivery state in the journal.
func (c *Composer) TestMessage(row Row, to string) (sender.Message, error) {
	if err := c.ready(); err != nil {
		return sender.Message{}, err
	}
	r := c.render(row)
	r.subject = "[TEST] " + r.subject
	r.cc, r.bcc, r.toName = nil, nil, ""
	msg, id, err := c.build(r, []string{to}, true)
	if err != nil {
		return sender.Message{}, err
	}
	if err := c.signDKIM(msg); err != nil {
		return sender.Message{}, err
	}
	return c.senderMessage(fmt.Sprintf("test:%d:%s", row.Number, id), r, msg, id), nil
}

func (c *Composer) ready() error {
	if b := c.setup.Blocking(); len(b) > 0 {
		return fmt.Errorf("%w: %s", ErrNotReady, b[0].Error())
	}
	return nil
}

func (c *Composer) senderMessage(key string, r *rendered, msg *gomail.Msg, id string) sender.Message {
	m := sender.Message{Key: key, Mail: msg, MessageID: id, Hash: r.hash()}
	for _, a := range append(msg.GetCc(), msg.GetBcc()...) {
		m.ExplicitCopies = append(m.ExplicitCopies, a.Address)
	}
	for _, a := range append(append([]attachment(nil), r.inline...), r.files...) {
		m.Files = append(m.Files, a.Path)
	}
	return m
}

// build turns a rendered row into a go-mail message. withFiles=false
// leaves the attachments out (size estimates add them arithmetically).
func (c *Composer) build(r *rendered, to []string, withFiles bool) (*gomail.Msg, string, error) {
	problems := append(recipients.Problems(nil), r.problems.Blocking()...)
	tos := make([]*mail.Address, 0, len(to))
	for _, t := range to {
		addr, err := mail.ParseAddress(headerText(t))
		if err != nil {
			problems = append(problems, c.rowProblem(r.row, "", "invalid-address",
				msg.T(`"{{.Address}}" is not a valid recipient address`, "Address", t), msg.T("correct the address or exclude the row")))
			continue
		}
		tos = append(tos, addr)
	}
	if len(to) == 0 {
		problems = append(problems, c.rowProblem(r.row, "", "invalid-address", msg.T("the row has no recipient address"), msg.T("fill in the address or exclude the row")))
	}
	if len(problems) > 0 {
		return nil, "", &RowError{Row: r.row.Number, Problems: problems}
	}
	if r.toName != "" && tos[0].Name == "" {
		tos[0] = &mail.Address{Name: r.toName, Address: tos[0].Address}
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(r.encoding()))
	msg.SetAddrHeaderFromMailAddress(gomail.HeaderFrom, c.from)
	// The engine accepts exactly one To; the other addresses of a cell
	// sent "together" become visible copies the row asked for.
	msg.SetAddrHeaderFromMailAddress(gomail.HeaderTo, tos[0])
	if cc := append(tos[1:len(tos):len(tos)], r.cc...); len(cc) > 0 {
		msg.SetAddrHeaderFromMailAddress(gomail.HeaderCc, cc...)
	}
	if len(r.bcc) > 0 {
		msg.SetAddrHeaderFromMailAddress(gomail.HeaderBcc, r.bcc...)
	}
	if len(r.replyTo) > 0 {
		msg.SetAddrHeaderFromMailAddress(gomail.HeaderReplyTo, r.replyTo...)
	}
	msg.Subject(r.subject)
	r.setUnsubscribeHeaders(msg)
	msg.SetDateWithValue(time.Now())
	id := c.newMessageID()
	msg.SetMessageIDWithValue(id)
	msg.SetBodyString(gomail.TypeTextPlain, r.text)
	if r.html != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, r.html)
	}
	if withFiles {
		embeds := make([]*gomail.File, len(r.inline))
		for i, a := range r.inline {
			embeds[i] = a.mailFile()
		}
		files := make([]*gomail.File, len(r.files))
		for i, a := range r.files {
			files[i] = a.mailFile()
		}
		msg.SetEmbeds(embeds)
		msg.SetAttachments(files)
	}
	return msg, id, nil
}

// encoding picks base64 for text that is mostly not ASCII (Chinese grows
// 3× in quoted-printable, 1.33× in base64) and quoted-printable otherwise,
// which stays readable in the raw message.
func (r *rendered) encoding() gomail.Encoding {
	for _, s := range []string{r.subject, r.toName, r.text} {
		if utf8.RuneCountInString(s) != len(s) {
			return gomail.EncodingB64
		}
	}
	return gomail.EncodingQP
}

// newMessageID returns "<random>@<sender's domain>" without brackets. The
// machine's host name never appears: it would leak the office PC's name
// and looks like spam to filters.
func (c *Composer) newMessageID() string {
	return strings.ToLower(rand.Text()) + "@" + c.fromDomain
}

// hash digests what the row's message says, so the journal can tell a
// resend of the same content from a changed one.
func (r *rendered) hash() string {
	h := sha256.New()
	for _, s := range []string{r.subject, r.text, r.html} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	for _, list := range [][]*mail.Address{r.cc, r.bcc, r.replyTo} {
		for _, a := range list {
			fmt.Fprintf(h, "%s\n", a.String())
		}
	}
	for _, a := range append(append([]attachment(nil), r.inline...), r.files...) {
		fmt.Fprintf(h, "%s:%d\n", a.Path, a.Size)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
