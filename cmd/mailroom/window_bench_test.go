//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mailroom/sender/smtptest"
	"mailroom/ui"
)

// The window's speed and memory (issue 12, part 5), measured on the real
// binary (built by TestMain; `make bench` builds it without -race) under
// Xvfb. The window drives itself through ui/tour.go's bench tour. One op
// is one whole scenario: read the metrics, not ns/op.

// startXvfb starts a 1366×768 virtual screen on a free display.
func startXvfb(b *testing.B) string {
	b.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		b.Skip("Xvfb is not installed (make bench installs it)")
	}
	for n := 150; n < 250; n++ {
		if _, err := os.Stat("/tmp/.X11-unix/X" + strconv.Itoa(n)); err == nil {
			continue
		}
		if _, err := os.Stat("/tmp/.X" + strconv.Itoa(n) + "-lock"); err == nil {
			continue
		}
		display := ":" + strconv.Itoa(n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		time.Sleep(time.Second)
		return display
	}
	b.Fatal("no free X display")
	return ""
}

// windowEnv is a first start's environment: a home folder of its own.
func windowEnv(b *testing.B, display, lang string) (env []string, home string) {
	home = b.TempDir()
	return append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "DISPLAY="+display, "LANG="+lang, "LC_ALL="+lang, "LANGUAGE="), home
}

func rssMB(pid int) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkWindowIdle: resident memory of the window with no list, 8 s
// after start (the start-up memory is given back after 3 s).
func BenchmarkWindowIdle(b *testing.B) {
	display := startXvfb(b)
	for _, lang := range []string{"en_US.UTF-8", "zh_CN.UTF-8"} {
		b.Run(lang[:2], func(b *testing.B) {
			for range b.N {
				env, _ := windowEnv(b, display, lang)
				cmd := exec.Command(mailroomBin)
				cmd.Env = env
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				time.Sleep(8 * time.Second)
				rss := rssMB(cmd.Process.Pid)
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				b.ReportMetric(rss, "idle-RSS-MB")
			}
		})
	}
}

// writeBigWorkbook writes rows × 10 columns of customer data.
func writeBigWorkbook(b *testing.B, path string, rows int) {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"姓名", "邮箱", "金额", "城市", "电话", "备注", "编号", "日期", "部门", "状态"})
	cities := []string{"北京", "上海", "广州", "深圳"}
	for i := 1; i <= rows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("客户%d", i), fmt.Sprintf("user%d@example.com", i), fmt.Sprintf("%d.50", i%5000),
			cities[i%4], fmt.Sprintf("138%08d", i), "月度账单通知", fmt.Sprintf("C%06d", i), "2026-12-15", "财务部", "待发送"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWindowList100k opens a campaign whose list has 100,000 rows ×
// 10 columns (the last campaign, reopened at start): time to the first
// rows on screen and to the whole list, resident memory with the list and
// after reading it a second time (replacing it), then a full-speed send of
// every row to a local SMTP server with the UI goroutine probed every
// 10 ms.
func BenchmarkWindowList100k(b *testing.B) {
	display := startXvfb(b)
	dir := b.TempDir()
	list := filepath.Join(dir, "客户.xlsx")
	writeBigWorkbook(b, list, 100_000)
	srv, err := smtptest.New()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if err := os.WriteFile(filepath.Join(dir, "body.md"), []byte("{{姓名}}，您好\n\n您本期的账单金额为 **{{金额}}** 元。\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	camp := filepath.Join(dir, "campaign.json")
	if err := os.WriteFile(camp, []byte(`{"version":1,"recipients":"客户.xlsx","subject":"{{姓名}}，您的账单","body":"body.md",
  "from":"财务部 <billing@example.com>","smtp":"smtp+plain://`+srv.Addr()+`","concurrency":4,"journal":"bench.journal"}`), 0o644); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		env, home := windowEnv(b, display, "en_US.UTF-8")
		prefs := filepath.Join(home, ".config", "fyne", ui.AppID)
		if err := os.MkdirAll(prefs, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"ui.last-campaign":`+strconv.Quote(camp)+`}`), 0o644); err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(home, "bench.json")
		cmd := exec.Command(mailroomBin)
		cmd.Env = append(env, "MAILROOM_TOUR=bench:"+out, "MAILROOM_TOUR_REPLACE=1", "MAILROOM_TOUR_SEND=1")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			b.Fatal(err)
		}
		var r struct {
			FirstRowsMS  float64 `json:"first_rows_ms"`
			ListMS       float64 `json:"list_ms"`
			Rows         int     `json:"rows"`
			Sent         int     `json:"sent"`
			SendMS       float64 `json:"send_ms"`
			MaxUIDelayMS float64 `json:"max_ui_delay_ms"`
			UIOver50     int     `json:"ui_delays_over_50ms"`
			UISamples    int     `json:"ui_samples"`
			IdleMax      float64 `json:"idle_max_ui_delay_ms"`
			IdleOver50   int     `json:"idle_ui_delays_over_50ms"`
			ListRSSMB    float64 `json:"list_rss_mb"`
			ReplaceRSSMB float64 `json:"replace_rss_mb"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s", data)
		if r.Rows != 100_000 {
			b.Fatalf("read %d rows", r.Rows)
		}
		b.ReportMetric(r.FirstRowsMS, "first-rows-ms")
		b.ReportMetric(r.ListMS, "whole-list-ms")
		b.ReportMetric(r.ListRSSMB, "list-RSS-MB")
		b.ReportMetric(r.ReplaceRSSMB, "replaced-RSS-MB")
		b.ReportMetric(r.SendMS/1000, "send-s")
		b.ReportMetric(r.MaxUIDelayMS, "max-UI-wait-ms")
		b.ReportMetric(float64(r.UIOver50), "UI-waits>50ms")
		b.ReportMetric(float64(r.UISamples), "UI-probes")
		b.ReportMetric(r.IdleMax, "idle-max-UI-wait-ms")
		b.ReportMetric(float64(r.IdleOver50), "idle-UI-waits>50ms")
		b.ReportMetric(float64(r.Sent), "sent")
	}
}
