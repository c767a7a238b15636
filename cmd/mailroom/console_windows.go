package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentConsole makes `mailroom.exe send|check|preview|--version|
// --help` print where the user typed it. mailroom.exe is a GUI-subsystem
// program (no console window flashes when it is double-clicked), so
// Windows gives it no standard streams of its own. Each stream that the
// caller did not hand over (redirected to a file or pipe, as a script or
// Task Scheduler does) is connected to the console of the process that
// started it, if that process has one (cmd.exe, PowerShell).
//
// An interactive cmd.exe does not wait for a GUI program: the prompt comes
// back at once and the output follows it. Scripts (.bat/.cmd) do wait and
// see %ERRORLEVEL%; interactively use `start /wait mailroom.exe …`. See
// docs/packaging.md.
//
// Standard input is never taken from that console: cmd.exe keeps reading
// it, so a password typed at Mailroom's prompt could reach cmd.exe and be
// shown or run as a command. Without a usable stdin the headless command
// does not prompt; the password comes from the keychain or
// MAILROOM_PASSWORD.
func attachParentConsole() {
	std := []struct {
		id   uint32
		file **os.File
	}{
		{windows.STD_OUTPUT_HANDLE, &os.Stdout},
		{windows.STD_ERROR_HANDLE, &os.Stderr},
	}
	missing := false
	for _, s := range std {
		if !usable(s.id) {
			missing = true
		}
	}
	if !missing || attachConsole.Find() != nil {
		return
	}
	if r, _, _ := attachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return // started from Explorer or a service: no console to print to
	}
	for _, s := range std {
		if usable(s.id) {
			continue
		}
		name, _ := windows.UTF16PtrFromString("CONOUT$")
		h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
		if err != nil {
			continue
		}
		_ = windows.SetStdHandle(s.id, h)
		*s.file = os.NewFile(uintptr(h), "CONOUT$")
	}
}

const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS, (DWORD)-1

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// usable reports whether the standard handle refers to a file, pipe or
// console the caller gave us.
func usable(id uint32) bool {
	h, err := windows.GetStdHandle(id)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
