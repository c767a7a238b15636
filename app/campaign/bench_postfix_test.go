//go:build linux

package campaign_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
)

// The delivery benchmarks compare the engine with Postfix's own load
// generator against Postfix's own sink, so that the reference is a mature
// C implementation and the sink is the same for both sides.

// postfixTool finds smtp-source or smtp-sink, or skips the benchmark:
// they are reference tools, installed by `make bench`, not by `make test`.
func postfixTool(b *testing.B, name string) string {
	b.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/usr/lib/postfix/sbin"} {
		p := dir + "/" + name
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	b.Skipf("%s (Postfix) is not installed: run `make bench`, which installs it", name)
	return ""
}

// smtpSink is a running Postfix smtp-sink on a loopback port.
type smtpSink struct {
	addr string
	port int
}

// startSMTPSink starts smtp-sink on a free 127.0.0.1 port and waits until
// it accepts connections. smtp-sink cannot be handed a listening socket,
// so a free port is picked and the start retried if another program took
// it meanwhile.
func startSMTPSink(b *testing.B) *smtpSink {
	b.Helper()
	bin := postfixTool(b, "smtp-sink")
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			b.Fatal(err)
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		args := []string{"-4"}
		if os.Geteuid() == 0 {
			// smtp-sink refuses to run as root without dropping privileges.
			args = append(args, "-u", "nobody")
		}
		args = append(args, addr, "256")
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			b.Fatalf("start smtp-sink: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if err := waitListening(addr, exited); err != nil {
			_ = cmd.Process.Kill()
			lastErr = fmt.Errorf("smtp-sink on %s: %v %s", addr, err, strings.TrimSpace(stderr.String()))
			continue
		}
		b.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
		return &smtpSink{addr: addr, port: port}
	}
	b.Fatal(lastErr)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitListening polls addr until it accepts a connection, the process
// exits or five seconds pass.
func waitListening(addr string, exited <-chan error) error {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("exited early: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("not listening after 5 s")
}

// runSMTPSource sends n messages with a 4,096-byte payload over sessions
// parallel connections kept open between messages (-d), and returns the
// wall time from start to exit. Process start-up (a millisecond or two)
// is included, which slightly favours the engine in the ratios.
func runSMTPSource(b *testing.B, addr string, sessions, n int) time.Duration {
	b.Helper()
	bin := postfixTool(b, "smtp-source")
	cmd := exec.Command(bin, "-4", "-d", "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(n),
		"-l", "4096", "-M", "localhost", "-f", "bench@example.com", "-t", "customer@example.org", addr)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("smtp-source %v: %v\n%s", cmd.Args[1:], err, out.String())
	}
	return time.Since(start)
}

// startLatencyProxy runs toxiproxy in this process between 127.0.0.1 and
// upstream, delaying each direction by oneWay, and returns its address.
func startLatencyProxy(b *testing.B, upstream string, oneWay time.Duration) (host string, port int) {
	b.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	proxy := toxiproxy.NewProxy(srv, "smtp", "127.0.0.1:0", upstream)
	if err := proxy.Start(); err != nil {
		b.Fatalf("toxiproxy: %v", err)
	}
	b.Cleanup(proxy.Stop)
	for _, stream := range []string{"upstream", "downstream"} {
		spec := fmt.Sprintf(`{"type":"latency","stream":%q,"attributes":{"latency":%d}}`, stream, oneWay.Milliseconds())
		if _, err := proxy.Toxics.AddToxicJson(strings.NewReader(spec)); err != nil {
			b.Fatalf("toxiproxy latency toxic: %v", err)
		}
	}
	h, p, err := net.SplitHostPort(proxy.Listen)
	if err != nil {
		b.Fatal(err)
	}
	port, err = strconv.Atoi(p)
	if err != nil {
		b.Fatal(err)
	}
	return h, port
}

// measureRTT times a few SMTP NOOP round trips through addr, so the
// figures can be read as round trips per message.
func measureRTT(b *testing.B, addr string) time.Duration {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 512)
	readReply := func() {
		if _, err := c.Read(buf); err != nil {
			b.Fatal(err)
		}
	}
	readReply() // greeting
	const probes = 5
	start := time.Now()
	for range probes {
		if _, err := c.Write([]byte("NOOP\r\n")); err != nil {
			b.Fatal(err)
		}
		readReply()
	}
	rtt := time.Since(start) / probes
	_, _ = c.Write([]byte("QUIT\r\n"))
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	_, _ = c.Read(buf)
	return rtt
}
