//go:build linux || freebsd || openbsd || netbsd || dragonfly

package main

import "os"

// haveDisplay reports whether an X11 or Wayland display is named in the
// environment. Without one, GLFW cannot start and would panic.
func haveDisplay() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
