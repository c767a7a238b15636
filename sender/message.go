package sender

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	netmail "net/mail"
	"os"
	"strings"

	"github.com/wneessen/go-mail"
)

// envelope is what the engine puts on the wire for one message.
type envelope struct {
	from      string   // "<addr>" for MAIL FROM
	rcpts     []string // "<addr>" for each RCPT TO; the To address first
	messageID string
}

// prepare checks a message's recipients and fills its envelope. Errors
// wrap ErrRecipients or ErrInvalidMessage; nothing has been sent when
// they occur.
func prepare(m *Message, env *envelope) error {
	if m.Mail == nil {
		return fmt.Errorf("%w: row %s has no rendered message", ErrInvalidMessage, m.Key)
	}
	from, err := m.Mail.GetSender(false)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidMessage, err)
	}
	to := m.Mail.GetTo()
	if len(to) != 1 {
		return fmt.Errorf("%w: the To header has %d addresses", ErrRecipients, len(to))
	}
	env.from = from
	env.rcpts = append(env.rcpts[:0], "<"+to[0].Address+">")
	for _, list := range [][]*netmail.Address{m.Mail.GetCc(), m.Mail.GetBcc()} {
		for _, a := range list {
			if !containsFold(m.ExplicitCopies, a.Address) {
				return fmt.Errorf("%w: copy to %s is not one the row asked for", ErrRecipients, a.Address)
			}
			env.rcpts = append(env.rcpts, "<"+a.Address+">")
		}
	}
	env.messageID, err = messageID(m, from)
	if err != nil {
		return err
	}
	suppressLibraryUserAgent(m.Mail)
	return nil
}

// checkFiles makes sure every attachment file exists and is a regular
// file.
func checkFiles(paths []string) error {
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrMissingFile, path, underlying(err))
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%w: %s is not a regular file", ErrMissingFile, path)
		}
	}
	return nil
}

func containsFold(list []string, addr string) bool {
	for _, s := range list {
		if strings.EqualFold(strings.TrimSpace(s), addr) {
			return true
		}
	}
	return false
}

// underlying drops the *PathError wrapper, whose text repeats the path.
func underlying(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// messageID returns the message's Message-ID without angle brackets. When
// the caller set none, one is generated from the sender's domain, never
// from the machine's host name (go-mail's default).
func messageID(m *Message, from string) (string, error) {
	id := strings.Trim(m.Mail.GetMessageID(), "<>")
	switch {
	case id == "" && m.MessageID != "":
		m.Mail.SetMessageIDWithValue(m.MessageID)
		return m.MessageID, nil
	case id == "":
		_, domain, _ := strings.Cut(strings.Trim(from, "<>"), "@")
		if domain == "" {
			domain = "localhost"
		}
		var random [15]byte
		_, _ = rand.Read(random[:])
		id = strings.ToLower(base32.StdEncoding.EncodeToString(random[:])) + "@" + domain
		m.Mail.SetMessageIDWithValue(id)
		m.MessageID = id
		return id, nil
	case m.MessageID != "" && m.MessageID != id:
		return "", fmt.Errorf("%w: Message.MessageID %q differs from the message's header %q", ErrInvalidMessage, m.MessageID, id)
	}
	m.MessageID = id
	return id, nil
}

// suppressLibraryUserAgent stops go-mail from adding "User-Agent: go-mail
// vX" and "X-Mailer" headers, which would disclose the library version.
// go-mail adds them only when neither header exists, and writes nothing
// for a header set without values, so an empty User-Agent suppresses both.
// A header the caller set on purpose is left alone.
func suppressLibraryUserAgent(msg *mail.Msg) {
	if len(msg.GetGenHeader(mail.HeaderUserAgent)) == 0 && len(msg.GetGenHeader(mail.HeaderXMailer)) == 0 {
		msg.SetGenHeader(mail.HeaderUserAgent)
	}
}
