// Command gen writes app/identity/identity_gen.go from FyneApp.toml, so the
// binary's name, ID, version and icon have one source.
//
//	go run ./gen ../../FyneApp.toml identity_gen.go
package main

import (
	"fmt"
	"os"

	"mailroom/app/identity/manifest"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen FyneApp.toml OUT.go")
		os.Exit(2)
	}
	m, err := manifest.Read(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	src, err := manifest.GoSource(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
