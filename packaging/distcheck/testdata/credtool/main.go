// Command credtool sets and reads an entry of the Windows Credential
// Manager through the same library (go-keyring) Mailroom uses, so that the
// installer test can check an uninstall leaves the user's passwords alone.
// Built for Windows by the test; never shipped.
//
//	credtool set SERVICE USER SECRET
//	credtool get SERVICE USER
package main

import (
	"fmt"
	"os"

	"github.com/zalando/go-keyring"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 5 && os.Args[1] == "set":
		err = keyring.Set(os.Args[2], os.Args[3], os.Args[4])
	case len(os.Args) == 4 && os.Args[1] == "get":
		var s string
		s, err = keyring.Get(os.Args[2], os.Args[3])
		fmt.Print(s)
	default:
		err = fmt.Errorf("usage: credtool set SERVICE USER SECRET | get SERVICE USER")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "credtool:", err)
		os.Exit(1)
	}
}
