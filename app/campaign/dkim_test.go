package campaign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-msgauth/dkim"

	"mailroom/app/accounts"
	"mailroom/app/sentfolder/imaptest"
	"mailroom/sender/smtptest"
)

// dkimKeys makes an RSA-2048 and an Ed25519 key with their PEM text.
func dkimKeys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"rsa": rsaKey, "ed25519": edKey}
}

func keyPEM(t *testing.T, key crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// txtZone is an in-memory DNS: the verifier never reaches the network.
type txtZone map[string]string

func (z txtZone) lookup(name string) ([]string, error) {
	if v, ok := z[strings.TrimSuffix(name, ".")]; ok {
		return []string{v}, nil
	}
	return nil, &dnsNotFound{name}
}

type dnsNotFound struct{ name string }

func (e *dnsNotFound) Error() string { return "no such host " + e.name }

// verifyDKIM checks a raw message with go-msgauth, an implementation
// independent of go-mail's signer, against the published key.
func verifyDKIM(t *testing.T, raw []byte, zone txtZone, domain string) {
	t.Helper()
	verifications, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: zone.lookup})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if len(verifications) != 1 {
		t.Fatalf("%d DKIM signatures, want 1", len(verifications))
	}
	v := verifications[0]
	if v.Err != nil || v.Domain != domain {
		t.Fatalf("signature of d=%s does not verify: %v\n%s", v.Domain, v.Err, raw)
	}
	for _, h := range []string{"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post", "content-type"} {
		found := false
		for _, f := range v.HeaderKeys {
			found = found || strings.EqualFold(f, h)
		}
		if !found {
			t.Errorf("the signature does not cover %s (h=%v)", h, v.HeaderKeys)
		}
	}
}

// Every message of a campaign from an account that signs carries a DKIM
// signature that an independent verifier accepts against the published
// key: RSA-2048 (key in the keychain) and Ed25519 (key in a file the user
// points to), Chinese headers, an attachment, unsubscribe headers. The
// audit archive and the Sent copy hold the very bytes that were sent,
// signature included.
func TestDKIMSignedMessagesVerify(t *testing.T) {
	for kind, key := range dkimKeys(t) {
		t.Run(kind, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.WithAuth("me@example.com", "授权码"))
			mailbox, err := imaptest.New("me@example.com", "授权码", imaptest.WithFolder("已发送", imap.MailboxAttrSent))
			if err != nil {
				t.Fatal(err)
			}
			defer mailbox.Close()
			dir := t.TempDir()
			secrets := accounts.NewSessionSecrets()
			store, err := accounts.OpenStore(dir, secrets)
			if err != nil {
				t.Fatal(err)
			}
			acct := accounts.Account{ID: "me", DisplayName: "Me", FromName: "财务部", FromAddress: "me@example.com",
				Host: smtp.Host(), Port: smtp.Port(), Security: accounts.SecurityNone, Auth: accounts.AuthAuto, Username: "me@example.com",
				DKIM: accounts.DKIM{Domain: "example.com", Selector: "mail2026"}}
			acct = mailbox.Configure(acct)
			if kind == "ed25519" {
				acct.DKIM.KeyFile = filepath.Join(dir, "dkim.pem")
				write(t, dir, "dkim.pem", keyPEM(t, key))
			} else if err := secrets.Set(acct.DKIMSecretID(), keyPEM(t, key)); err != nil {
				t.Fatal(err)
			}
			if acct, err = store.Add(acct); err != nil {
				t.Fatal(err)
			}
			if err := store.SetPassword(acct.ID, "授权码"); err != nil {
				t.Fatal(err)
			}
			record, err := accounts.DKIMPublicRecord(key)
			if err != nil {
				t.Fatal(err)
			}
			zone := txtZone{"mail2026._domainkey.example.com": record}

			write(t, dir, "list.csv", "姓名,Email\n王芳,wang.fang@example.com\n李雷,li@example.com\n")
			write(t, dir, "body.md", "# 您好 {{姓名}}\n\n请查收**三月账单**。退订：{{unsubscribe}}\n")
			write(t, dir, "三月账单.pdf", "%PDF-1.4 账单 "+strings.Repeat("x", 5000))
			c := &Campaign{Account: acct.ID, Recipients: filepath.Join(dir, "list.csv"), Subject: "{{姓名}}，您的三月账单",
				Body: filepath.Join(dir, "body.md"), Attach: []string{filepath.Join(dir, "三月账单.pdf")},
				Journal: filepath.Join(dir, "j.db"), Archive: filepath.Join(dir, "archive"), Marketing: true}
			env := Env{DataDir: dir, Accounts: store}
			plan, err := Prepare(context.Background(), c, env)
			if err != nil || !plan.Ready() {
				t.Fatalf("prepare: %v %v", err, plan.Problems)
			}
			out, err := plan.Send(context.Background(), env, SendOptions{Password: "授权码"})
			if err != nil || out.Sent != 2 || len(out.Warnings) != 0 {
				t.Fatalf("send: %v, sent %d, warnings %v", err, out.Sent, out.Warnings)
			}
			received := smtp.Messages()
			if len(received) != 2 {
				t.Fatalf("%d messages arrived", len(received))
			}
			archived, err := filepath.Glob(filepath.Join(dir, "archive", "*.eml"))
			if err != nil || len(archived) != 2 {
				t.Fatalf("archive holds %v (%v)", archived, err)
			}
			copies, err := mailbox.Messages("已发送")
			if err != nil || len(copies) != 2 {
				t.Fatalf("Sent folder: %d copies (%v)", len(copies), err)
			}
			for _, m := range received {
				verifyDKIM(t, m.Data, zone, "example.com")
				parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(parsed.Header.Get("Subject"), "=?") || parsed.Header.Get("List-Unsubscribe") == "" {
					t.Errorf("expected an encoded Chinese subject and List-Unsubscribe: %q / %q", parsed.Header.Get("Subject"), parsed.Header.Get("List-Unsubscribe"))
				}
				sent := bytes.TrimRight(m.Data, "\r\n")
				inArchive, inSent := false, false
				for _, path := range archived {
					data, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					inArchive = inArchive || bytes.Equal(bytes.TrimRight(data, "\r\n"), sent)
				}
				for _, cp := range copies {
					inSent = inSent || bytes.Equal(bytes.TrimRight(cp.Raw, "\r\n"), sent)
				}
				if !inArchive || !inSent {
					t.Errorf("the signed message as sent is in the archive: %v, in Sent: %v", inArchive, inSent)
				}
			}

			// A changed byte fails verification: the test can fail.
			tampered := bytes.Replace(received[0].Data, []byte("Subject:"), []byte("Subject: x"), 1)
			if v, err := dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: zone.lookup}); err != nil || len(v) != 1 || v[0].Err == nil {
				t.Errorf("a tampered message still verifies (%v)", err)
			}
		})
	}
}

// A missing key is a blocking problem before anything is sent.
func TestDKIMWithoutKeyBlocks(t *testing.T) {
	dir := t.TempDir()
	store, err := accounts.OpenStore(dir, accounts.NewSessionSecrets())
	if err != nil {
		t.Fatal(err)
	}
	acct, err := store.Add(accounts.Account{ID: "me", FromAddress: "me@example.com", Host: "127.0.0.1", Port: 2525,
		Security: accounts.SecurityNone, Auth: accounts.AuthNone, DKIM: accounts.DKIM{Domain: "example.com", Selector: "s1", KeyFile: filepath.Join(dir, "missing.pem")}})
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "list.csv", "Email\na@example.com\n")
	write(t, dir, "body.txt", "hi\n")
	c := &Campaign{Account: acct.ID, Recipients: filepath.Join(dir, "list.csv"), Subject: "s", Body: filepath.Join(dir, "body.txt")}
	plan, err := Prepare(context.Background(), c, Env{DataDir: dir, Accounts: store})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Ready() || len(plan.Problems) == 0 || plan.Problems[0].Code != "dkim-key" || plan.Problems[0].Text == nil {
		t.Fatalf("problems %v", plan.Problems)
	}
}
