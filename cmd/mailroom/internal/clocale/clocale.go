// Package clocale keeps Fyne from logging "Error parsing user locale C" on
// every start when the locale is the C locale with a charset, such as
// LANG=C.UTF-8 (Debian containers, cron, CI).
//
// Fyne's lang package reads the locale in its package init, before main
// runs: github.com/jeandeaual/go-locale turns "C.UTF-8" into the tag "C",
// which is not BCP 47, and Fyne logs the failure to stderr, where scripts
// parsing the headless command's output see it. This package's init runs
// first and, for the C locale only, sets LANGUAGE=en, which go-locale
// consults next and which means what the C locale means: untranslated
// English. (The charset stays as the user set it.)
//
// Why its init runs first: Go initialises packages in the order of their
// import paths, each as soon as everything it imports is initialised. This
// package imports only os, which text/template needs too; Fyne's lang
// imports text/template, whose path sorts after this one. So this package
// is always ready, and picked, before lang can be. A test in cmd/mailroom
// runs the built binary with LANG=C.UTF-8 and fails if the lines return.
// Keep this package's imports to os alone.
package clocale

import "os"

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets LANGUAGE=en when the locale variable that decides the
// language (the first set of LC_ALL, LC_MESSAGES, LANG, as POSIX orders
// them) names the C or POSIX locale with a charset or modifier and
// LANGUAGE is empty. It reports whether it changed anything.
func Apply(getenv func(string) string, setenv func(string, string) error) bool {
	for _, name := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		// Plain "C" and "POSIX" are understood by go-locale already.
		if v == "C" || v == "POSIX" || !isCLocale(v) || getenv("LANGUAGE") != "" {
			return false
		}
		return setenv("LANGUAGE", "en") == nil
	}
	return false
}

// isCLocale reports whether v is C or POSIX, with or without .charset and
// @modifier ("C.UTF-8", "C.utf8", "POSIX@euro").
func isCLocale(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' || v[i] == '@' {
			v = v[:i]
			break
		}
	}
	return v == "C" || v == "POSIX"
}
