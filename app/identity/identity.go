// Package identity is Mailroom's name, application ID, version, commit and
// licence, generated from FyneApp.toml (identity_gen.go) so that the
// window, `mailroom --version`, the About dialog and every installer agree.
package identity

//go:generate go run ./gen ../../FyneApp.toml identity_gen.go

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// LegacyID is the application ID of builds before 0.1.0 ("app.mailroom",
// two parts, which AppStream rejects). Fyne kept their preferences under
// it; the settings folder and keychain service were named LegacyName.
const LegacyID = "app.mailroom"

// LegacyName is the settings folder name and keychain service of builds
// before 0.1.0.
const LegacyName = "Mailroom"

// Licence is the SPDX identifier of Mailroom's licence (LICENSE).
const Licence = "MIT"

// Commit is the source revision, set at build time with
// -ldflags "-X mailroom/app/identity.Commit=…". Builds without it (go run,
// go install) fall back to the revision Go recorded, if any.
var Commit = ""

// Revision returns the commit the binary was built from, or "unknown".
func Revision() string {
	if Commit != "" {
		return Commit
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && dirty {
			rev += "-dirty"
		}
		if rev != "" {
			return rev
		}
	}
	return "unknown"
}

// String is the one-line version text of `mailroom --version`.
func String() string {
	return fmt.Sprintf("%s %s (commit %s, %s %s/%s)", Name, Version, Revision(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
