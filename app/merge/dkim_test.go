package merge

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
	gomail "github.com/wneessen/go-mail"
)

// Message and TestMessage are DKIM-signed (verified by go-msgauth against
// the key), EML previews are not, and writing a signed message again gives
// the same bytes.
func TestDKIMSignsSentMessagesOnly(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	record := "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	lookup := func(string) ([]string, error) { return []string{record}, nil }
	c := newComposer(t, customerCols, WithFrom("财务部 <finance@example.com>"), WithSubject("{{姓名}}，您好"),
		WithBody(FormatMarkdown, "**您好** {{姓名}}", ""), WithDKIM("example.com", "s1", key))
	row := Row{Number: 2, Values: []string{"li@example.cn", "李雷", "", "", "", ""}}
	m, err := c.Message("li@example.cn", row, []string{"li@example.cn"})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := c.TestMessage(row, "me@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for name, msg := range map[string]*gomail.Msg{"message": m.Mail, "test": tm.Mail} {
		var first, second bytes.Buffer
		if _, err := msg.WriteTo(&first); err != nil {
			t.Fatal(err)
		}
		if _, err := msg.WriteTo(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("%s: written twice, the bytes differ", name)
		}
		v, err := dkim.VerifyWithOptions(bytes.NewReader(first.Bytes()), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(v) != 1 || v[0].Err != nil {
			t.Errorf("%s: verification %v %+v", name, err, v)
		}
	}
	eml, err := c.EML(row, []string{"li@example.cn"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(eml, []byte("DKIM-Signature")) {
		t.Error("a preview is signed")
	}
}
