// Command screenshots runs the real Mailroom window under Xvfb through
// the sample campaign — welcome, account, recipients with problems,
// compose with preview, check, sending, summary, history — in English and
// Chinese, light and dark, at 1366×768 and 800×600, and writes the PNGs to
// dist/screenshots/LANG-THEME-SIZE/. `make screenshots-linux` runs it.
//
// The window drives itself (MAILROOM_TOUR, ui/tour.go) and the pictures
// are read back from its own canvas; the messages go to an in-process
// test SMTP server on 127.0.0.1, so nothing leaves the machine.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"mailroom/sender/smtptest"
)

func main() {
	out := flag.String("out", "dist/screenshots", "folder for the screenshots")
	bin := flag.String("bin", "", "mailroom binary (default: built here without -race)")
	sizes := flag.String("sizes", "1366x768,800x600", "screen sizes")
	langs := flag.String("langs", "en,zh", "languages")
	themes := flag.String("themes", "light,dark", "themes")
	flag.Parse()
	if err := run(*out, *bin, strings.Split(*sizes, ","), strings.Split(*langs, ","), strings.Split(*themes, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

// locales are the LANG of each language the window speaks.
var locales = map[string]string{"en": "en_US.UTF-8", "zh": "zh_CN.UTF-8"}

func run(out, bin string, sizes, langs, themes []string) error {
	tmp, err := os.MkdirTemp("", "mailroom-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		bin = filepath.Join(tmp, "mailroom")
		build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, "./cmd/mailroom")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	srv, err := smtptest.New()
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, size := range sizes {
		display, stop, err := startXvfb(size)
		if err != nil {
			return err
		}
		for _, lang := range langs {
			for _, theme := range themes {
				dir, err := filepath.Abs(filepath.Join(out, lang+"-"+theme+"-"+size))
				if err != nil {
					return err
				}
				if err := tour(bin, display, locales[lang], theme, size, dir, "smtp+plain://"+srv.Addr(), tmp); err != nil {
					stop()
					return fmt.Errorf("%s: %w", dir, err)
				}
				fmt.Println("wrote", dir)
			}
		}
		stop()
	}
	return nil
}

// startXvfb starts a virtual screen of the given size on a free display.
func startXvfb(size string) (string, func(), error) {
	for n := 90; n < 200; n++ {
		if _, err := os.Stat("/tmp/.X11-unix/X" + strconv.Itoa(n)); err == nil {
			continue
		}
		if _, err := os.Stat("/tmp/.X" + strconv.Itoa(n) + "-lock"); err == nil {
			continue
		}
		display := ":" + strconv.Itoa(n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", size+"x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("cannot start Xvfb: %w (make screenshots-linux installs it)", err)
		}
		time.Sleep(time.Second)
		if cmd.ProcessState != nil {
			continue
		}
		return display, func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
	}
	return "", nil, fmt.Errorf("no free X display")
}

// tour runs the window once, with a home folder of its own, so that each
// run starts as a first start, and photographs the screen each time the
// window asks (it prints "tour-shot PATH" and waits for a line).
func tour(bin, display, lang, theme, size, dir, smtp, tmp string) error {
	home, err := os.MkdirTemp(tmp, "home-")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "DISPLAY="+display,
		"LANG="+lang, "LC_ALL="+lang, "LANGUAGE=", "MAILROOM_TOUR=screenshots:"+dir,
		"MAILROOM_TOUR_SIZE="+size, "MAILROOM_TOUR_THEME="+theme, "MAILROOM_TOUR_SMTP="+smtp)
	cmd.Stderr = io.Discard
	if os.Getenv("SCREENSHOTS_VERBOSE") != "" {
		cmd.Stderr = os.Stderr
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		path, ok := strings.CutPrefix(lines.Text(), "tour-shot ")
		if !ok {
			continue
		}
		grab := exec.Command("import", "-display", display, "-window", "root", path)
		grab.Stderr = os.Stderr
		if err := grab.Run(); err != nil {
			_ = cmd.Process.Kill()
			return fmt.Errorf("capture %s: %w (ImageMagick's import)", path, err)
		}
		if _, err := io.WriteString(stdin, "\n"); err != nil {
			return err
		}
	}
	return cmd.Wait()
}
