package imaptest

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Message is one message stored in a folder, as a mail program would
// fetch it.
type Message struct {
	Raw          []byte
	Flags        []imap.Flag
	InternalDate time.Time
}

// HasFlag reports whether the message carries flag.
func (m Message) HasFlag(flag imap.Flag) bool {
	for _, f := range m.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// Messages fetches every message in folder over a separate IMAP session,
// without marking anything read.
func (s *Server) Messages(folder string) ([]Message, error) {
	c, err := s.dialClient()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.Login(s.username, s.password).Wait(); err != nil {
		return nil, fmt.Errorf("imaptest: login: %w", err)
	}
	selected, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("imaptest: select %q: %w", folder, err)
	}
	if selected.NumMessages == 0 {
		return nil, nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	body := &imap.FetchItemBodySection{Peek: true}
	fetched, err := c.Fetch(all, &imap.FetchOptions{
		Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{body},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imaptest: fetch %q: %w", folder, err)
	}
	out := make([]Message, 0, len(fetched))
	for _, m := range fetched {
		out = append(out, Message{Raw: m.FindBodySection(body), Flags: m.Flags, InternalDate: m.InternalDate})
	}
	return out, nil
}

func (s *Server) dialClient() (*imapclient.Client, error) {
	tlsConfig := &tls.Config{RootCAs: s.ca.Pool(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	address := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port()))
	options := &imapclient.Options{TLSConfig: tlsConfig}
	if s.startTLS {
		return imapclient.DialStartTLS(address, options)
	}
	return imapclient.DialTLS(address, options)
}
