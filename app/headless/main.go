package headless

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"golang.org/x/term"

	"mailroom/app/accounts"
	"mailroom/app/campaign"
	"mailroom/app/identity"
	"mailroom/app/msg"
)

// IsCommand reports whether args start with a headless subcommand, so main
// knows whether to open the window.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "send", "check", "preview", "status", "help", "-h", "-help", "--help", "--version", "-version":
		return true
	}
	return false
}

// Main runs `mailroom ARGS` without the window and returns the exit code.
func Main(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		fmt.Fprintln(stdout, identity.String())
		return ExitOK
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprint(stderr, topUsage)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	cmd := args[0]
	opts, err := parse(cmd, args[1:], stderr)
	if errors.Is(err, errHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailroom %s: %v\n", cmd, err)
		return ExitUsage
	}
	sp := speaker{lang: opts.lang}
	env, err := defaultEnv()
	if err != nil {
		fmt.Fprintf(stderr, "mailroom %s: %s\n", cmd, sp.err(err))
		return ExitUsage
	}
	env.CanPrompt = stdin != nil && term.IsTerminal(int(stdin.Fd()))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cmd == "status" {
		// The journal alone, not the recipient list; the mailbox too
		// with --fetch.
		if opts.fetch {
			return fetchStatus(ctx, opts, env, stdin, stdout, stderr)
		}
		return status(opts, env, stdout, stderr)
	}
	plan, err := campaign.Prepare(ctx, opts.campaign, env)
	if err != nil {
		fmt.Fprintf(stderr, "mailroom %s: %s\n", cmd, sp.err(err))
		return ExitUsage
	}
	switch cmd {
	case "check":
		return check(plan, stdout, sp)
	case "preview":
		if opts.testTo != "" {
			return sendTest(ctx, plan, env, opts.row, opts.testTo, stdin, stderr, sp)
		}
		return preview(plan, opts.row, stdout, stderr, sp)
	default:
		return send(ctx, plan, env, opts, stdin, stderr, sp)
	}
}

const topUsage = `usage:
  mailroom                              open the window
  mailroom send    [CAMPAIGN] [flags]   deliver
  mailroom check   [CAMPAIGN] [flags]   preflight only
  mailroom preview [CAMPAIGN] --row N [flags]
  mailroom status  [CAMPAIGN] [--journal PATH] [--fetch]   what the journal holds; rows needing a decision
  mailroom --version                    name, version and commit
Run "mailroom send -h" for the flags. Documentation: docs/headless.md
`

// defaultEnv finds the user's data and settings folders. The journal and
// do-not-send list live in the data folder; accounts in the settings one.
func defaultEnv() (campaign.Env, error) {
	dir, data, err := campaign.DefaultDirs()
	if err != nil {
		return campaign.Env{}, err
	}
	// The keychain is probed at most once, and only when an account needs
	// a password. Without a keychain OpenSecrets still returns the
	// (empty) session store, which is all a headless run can use.
	keychain := sync.OnceValue(func() accounts.Secrets {
		secrets, _ := accounts.OpenSecrets()
		return secrets
	})
	env := campaign.Env{DataDir: data, OpenKeychain: keychain}
	if _, err := os.Stat(filepath.Join(dir, accounts.SettingsFileName)); err == nil {
		if store, err := accounts.OpenStore(dir, keychain()); err == nil {
			env.Accounts = store
		}
	}
	return env, nil
}

// check prints every problem, blocking ones first.
func check(plan *campaign.Plan, stdout io.Writer, sp speaker) int {
	sp.problems(stdout, plan.Problems)
	blocking := len(plan.Problems.Blocking())
	warnings := len(plan.Problems) - blocking
	sp.line(stdout, fmt.Sprintf("%d blocking, %d warnings, %d rows", blocking, warnings, len(plan.Rows)),
		msg.T("{{.Blocking}} blocking, {{.Warnings}} warnings, {{.Rows}} rows", "Blocking", blocking, "Warnings", warnings, "Rows", len(plan.Rows)))
	if !plan.Ready() {
		return ExitUsage
	}
	return ExitOK
}

func preview(plan *campaign.Plan, row int, stdout, stderr io.Writer, sp speaker) int {
	data, err := plan.Preview(row)
	if err != nil {
		sp.problems(stderr, plan.Problems.Blocking())
		fmt.Fprintf(stderr, "mailroom preview: %s\n", sp.err(err))
		return ExitUsage
	}
	stdout.Write(data)
	return ExitOK
}
