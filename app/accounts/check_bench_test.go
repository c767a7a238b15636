package accounts

import (
	"context"
	"testing"

	"mailroom/sender/smtptest"
)

// BenchmarkCheckSTARTTLS measures one complete connection test (connect,
// STARTTLS, certificate verification, AUTH) against the in-process server
// over loopback: the floor of what the user waits for after pressing
// "Test connection".
func BenchmarkCheckSTARTTLS(b *testing.B) {
	srv := smtptest.Start(b, smtptest.WithTLS(smtptest.TLSStartTLS), smtptest.WithAuth(testUser, testPassword))
	a := serverAccount(srv, SecuritySTARTTLS)
	b.ReportAllocs()
	for b.Loop() {
		r, err := Check(context.Background(), a, testPassword)
		if err != nil || !r.OK() {
			b.Fatalf("check failed: %v %v", err, r.Err())
		}
	}
}
