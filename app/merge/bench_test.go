package merge

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// benchComposer prepares a personalised Markdown campaign with a 1 MB
// shared attachment and 10,000 rows.
func benchComposer(b *testing.B, extra ...Option) (*Composer, []Row) {
	b.Helper()
	dir := b.TempDir()
	data := make([]byte, 1<<20)
	if _, err := rand.Read(data); err != nil {
		b.Fatal(err)
	}
	shared := filepath.Join(dir, "产品目录.pdf")
	if err := os.WriteFile(shared, data, 0o644); err != nil {
		b.Fatal(err)
	}
	opts := []Option{WithFrom("财务部 <finance@example.com>"),
		WithSubject("{{姓名}}，您本月的账单 {{金额}} 元"),
		WithBody(FormatMarkdown, "尊敬的 **{{姓名}}**：\n\n{{if VIP}}\n感谢您作为 VIP 客户的支持。\n{{end}}\n本月金额：{{金额}} 元。\n\n"+strings.Repeat("账单说明文字。", 100), ""),
		WithRecipientName("{{姓名}}"),
		WithAttachments(shared)}
	c, err := New([]string{"Email", "姓名", "金额", "VIP"}, append(opts, extra...)...)
	if err != nil {
		b.Fatal(err)
	}
	if p := c.Problems(); len(p) > 0 {
		b.Fatal(p)
	}
	rows := make([]Row, 10_000)
	for i := range rows {
		rows[i] = Row{Number: i + 2, Values: []string{fmt.Sprintf("user%d@example.cn", i), fmt.Sprintf("客户%d", i), fmt.Sprint(i * 3), fmt.Sprint(i % 2)}}
	}
	return c, rows
}

// BenchmarkMergeWriteMessage renders, builds and writes (to io.Discard)
// one personalised message per op, cycling through 10,000 rows. B/op is
// what writing one message allocates; it is transient (see
// BenchmarkMergeRetained for what stays alive).
func BenchmarkMergeWriteMessage(b *testing.B) {
	c, rows := benchComposer(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := rows[i%len(rows)]
		m, err := c.Message(r.Values[0], r, []string{r.Values[0]})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Mail.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeWriteMessageDKIM is BenchmarkMergeWriteMessage for an
// account that signs (RSA-2048): Message writes the message once through
// the DKIM signer, so each message is written twice.
func BenchmarkMergeWriteMessageDKIM(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	c, rows := benchComposer(b, WithDKIM("example.com", "s1", key))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := rows[i%len(rows)]
		m, err := c.Message(r.Values[0], r, []string{r.Values[0]})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Mail.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMergeRetained builds every row's message and keeps them all,
// as a send queue does, then reports the live heap per message. If the
// 1 MB shared attachment were copied per message this would be ≥ 1 MB; it
// stays a few KB and the same for 1,000 and 10,000 rows.
func BenchmarkMergeRetained(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			c, rows := benchComposer(b)
			rows = rows[:n]
			var perMsg float64
			for i := 0; i < b.N; i++ {
				before := liveHeap()
				kept := make([]any, 0, n)
				for _, r := range rows {
					m, err := c.Message(r.Values[0], r, []string{r.Values[0]})
					if err != nil {
						b.Fatal(err)
					}
					kept = append(kept, m)
				}
				perMsg = float64(liveHeap()-before) / float64(n)
				runtime.KeepAlive(kept)
			}
			b.ReportMetric(perMsg, "live-B/msg")
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestSharedAttachmentIsReadAtWriteTime proves attachments are streamed
// from disk when the message is written, not copied when it is built:
// content changed after Message() is what goes out.
func TestSharedAttachmentIsReadAtWriteTime(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "a.txt"), []byte("before"))
	c := newComposer(t, []string{"Email"}, WithFrom("a@example.com"), WithSubject("s"),
		WithBody(FormatText, "b", ""), WithAttachments(path))
	m, err := c.Message("k", Row{Number: 2, Values: []string{"x@example.com"}}, []string{"x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, []byte("after!"))
	var buf bytes.Buffer
	if _, err := m.Mail.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if got := string(parseMessage(t, buf.Bytes()).attachments()[0].Body); got != "after!" {
		t.Errorf("attachment content %q: it was copied when the message was built", got)
	}
}
