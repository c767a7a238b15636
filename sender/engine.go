package sender

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"sync"
	"time"
)

// Engine delivers messages through one SMTP server. Create it with New;
// Run may be called again after a run ends. Pause and Resume may be
// called from any goroutine.
type Engine struct {
	cfg     config
	store   Store
	tlsConf *tls.Config

	mu      sync.Mutex
	running bool
	gate    gate
	prog    *progress // of the current run, for Pause/Resume
}

// Summary counts what a run did with the rows it took from its source.
type Summary struct {
	Sent    int
	Failed  int
	Unknown int
	// Pending counts rows taken from the source but left pending because
	// the run stopped (they were not sent).
	Pending  int
	Started  time.Time
	Finished time.Time
}

// New validates the options and returns an engine writing through store.
func New(store Store, opts ...Option) (*Engine, error) {
	if store == nil {
		return nil, errors.Join(ErrInvalidConfig, errors.New("nil Store: the engine never sends without a journal"))
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	for _, ca := range cfg.extraCAs {
		roots.AddCert(ca)
	}
	e := &Engine{cfg: cfg, store: store}
	e.tlsConf = &tls.Config{ServerName: cfg.host, RootCAs: roots, MinVersion: tls.VersionTLS12}
	if cfg.tlsConf != nil {
		e.tlsConf = cfg.tlsConf.Clone()
		if e.tlsConf.ServerName == "" {
			e.tlsConf.ServerName = cfg.host
		}
		for _, ca := range cfg.extraCAs {
			if e.tlsConf.RootCAs == nil {
				e.tlsConf.RootCAs = roots
				break
			}
			e.tlsConf.RootCAs.AddCert(ca)
		}
	}
	e.gate.open = make(chan struct{})
	close(e.gate.open)
	return e, nil
}

// Pause lets messages in flight finish and holds the rest until Resume.
func (e *Engine) Pause() {
	e.gate.set(true)
	e.mu.Lock()
	p := e.prog
	e.mu.Unlock()
	if p != nil {
		p.setPaused(true)
	}
}

// Resume continues a paused run.
func (e *Engine) Resume() {
	e.gate.set(false)
	e.mu.Lock()
	p := e.prog
	e.mu.Unlock()
	if p != nil {
		p.setPaused(false)
	}
}

// Paused reports whether the engine is paused.
func (e *Engine) Paused() bool { return e.gate.isPaused() }

// Run delivers every message of src and returns when all are finished or
// the run stops early. Cancelling ctx stops the run: messages already in
// transmission complete (so that no outcome becomes unknown because of
// the cancel), the others stay pending. An early stop returns a
// *StopError; rows it left behind were not sent.
func (e *Engine) Run(ctx context.Context, src Source) (Summary, error) {
	e.mu.Lock()
	if e.running {
		e.mu.Unlock()
		return Summary{}, ErrRunning
	}
	e.running = true
	total := -1
	if s, ok := src.(Sizer); ok {
		total = s.Len()
	}
	r := newRun(e, ctx, src, total)
	e.prog = r.prog
	e.mu.Unlock()
	if e.Paused() {
		r.prog.setPaused(true)
	}

	sum, err := r.execute()

	e.mu.Lock()
	e.running, e.prog = false, nil
	e.mu.Unlock()
	return sum, err
}

// gate blocks workers while the engine is paused.
type gate struct {
	mu     sync.Mutex
	paused bool
	open   chan struct{} // closed while not paused
}

func (g *gate) set(paused bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if paused == g.paused {
		return
	}
	g.paused = paused
	if paused {
		g.open = make(chan struct{})
	} else {
		close(g.open)
	}
}

func (g *gate) isPaused() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused
}

// wait returns when the gate is open, or ctx's error.
func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	select {
	case <-open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
