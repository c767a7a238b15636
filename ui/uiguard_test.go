package ui

import (
	"bytes"
	"runtime"
	"strconv"
	"testing"
)

// uiGoroutine stands for the UI goroutine in view tests: the test's own
// goroutine, on which test.Tap, dialog answers and the bridge's queued
// updates all run. A fake backend holding one fails the test when it is
// called there, which is how the tests prove that the views leave file,
// keychain and journal I/O to goroutines (bridge.run). A nil guard checks
// nothing.
type uiGoroutine struct {
	t  interface{ Errorf(string, ...any) }
	id uint64
}

// onThisGoroutine guards the calling goroutine (call it from the test).
func onThisGoroutine(t *testing.T) *uiGoroutine {
	return &uiGoroutine{t: t, id: goroutineID()}
}

func (g *uiGoroutine) check(call string) {
	if g == nil {
		return
	}
	if goroutineID() == g.id {
		buf := make([]byte, 4096)
		n := runtime.Stack(buf, false)
		g.t.Errorf("%s was called on the UI goroutine; slow work belongs in bridge.run:\n%s", call, buf[:n])
	}
}

// goroutineID reads the running goroutine's number from its stack header
// ("goroutine 18 [running]:"); tests only.
func goroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf = bytes.TrimPrefix(buf, []byte("goroutine "))
	if i := bytes.IndexByte(buf, ' '); i > 0 {
		buf = buf[:i]
	}
	id, _ := strconv.ParseUint(string(buf), 10, 64)
	return id
}

// TestTheGuardCatchesACallOnTheUIGoroutine makes sure the guard can fail.
func TestTheGuardCatchesACallOnTheUIGoroutine(t *testing.T) {
	inner := &errorCount{}
	g := &uiGoroutine{t: inner, id: goroutineID()}
	done := make(chan struct{})
	go func() { g.check("elsewhere"); close(done) }()
	<-done
	if inner.n != 0 {
		t.Fatal("a call from another goroutine was reported")
	}
	g.check("here")
	if inner.n != 1 {
		t.Fatal("a call on the guarded goroutine passed unnoticed")
	}
}

type errorCount struct{ n int }

func (e *errorCount) Errorf(string, ...any) { e.n++ }
