package distcheck

import (
	"debug/pe"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mailroom/app/identity"
)

func windowsExe(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(dist, "windows", "mailroom.exe")
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("make dist did not build %s: %v", exe, err)
	}
	return exe
}

// systemDLLs are the DLLs every Windows since 7 has; mailroom.exe must
// import nothing else (no mingw runtime DLL to ship).
var systemDLLs = []string{"advapi32.dll", "bcrypt.dll", "crypt32.dll", "gdi32.dll", "kernel32.dll", "msvcrt.dll",
	"ntdll.dll", "ole32.dll", "opengl32.dll", "shell32.dll", "user32.dll", "winmm.dll", "ws2_32.dll", "imm32.dll", "dwmapi.dll"}

// TestWindowsExeIsAGUIProgramImportingSystemDLLsOnly reads the PE header.
func TestWindowsExeIsAGUIProgramImportingSystemDLLsOnly(t *testing.T) {
	needDist(t)
	f, err := pe.Open(windowsExe(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("not PE32+ for amd64: machine %#x", f.Machine)
	}
	if opt.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("subsystem %d, want GUI (%d): a console window would open with the app", opt.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	// debug/pe's ImportedLibraries is not implemented; each imported
	// symbol is "name:dll".
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var libs []string
	for _, sym := range syms {
		if _, dll, ok := strings.Cut(sym, ":"); ok && !slices.Contains(libs, strings.ToLower(dll)) {
			libs = append(libs, strings.ToLower(dll))
		}
	}
	if !slices.Contains(libs, "kernel32.dll") || !slices.Contains(libs, "opengl32.dll") {
		t.Errorf("imports %v: the import table was not read", libs)
	}
	for _, lib := range libs {
		if !slices.Contains(systemDLLs, lib) {
			t.Errorf("imports %s, which Windows does not ship", lib)
		}
	}
	t.Logf("imports: %s", strings.Join(libs, " "))
	if st, err := os.Stat(windowsExe(t)); err == nil {
		t.Logf("mailroom.exe: %.1f MB", float64(st.Size())/1e6)
	}
}

// TestWindowsExeResources: icons of every size, the manifest and the
// version information, all naming FyneApp.toml's identity (wrestool reads
// the resource table).
func TestWindowsExeResources(t *testing.T) {
	needDist(t)
	exe := windowsExe(t)
	list := run(t, nil, "wrestool", "-l", exe)
	t.Logf("resources:\n%s", list)
	if n := strings.Count(list, "--type=3 "); n < 6 {
		t.Errorf("%d icon images, want the 6 sizes 16–256", n)
	}
	for _, typ := range []string{"--type=14 ", "--type=16 ", "--type=24 "} {
		if !strings.Contains(list, typ) {
			t.Errorf("no resource %s(14 icon group, 16 version, 24 manifest)", typ)
		}
	}
	manifest := run(t, nil, "wrestool", "-x", "--raw", "--type=24", exe)
	for _, want := range []string{`name="` + identity.ID + `"`, "permonitorv2", "Microsoft.Windows.Common-Controls", "longPathAware", `level="asInvoker"`} {
		if !strings.Contains(manifest, want) {
			t.Errorf("manifest lacks %s:\n%s", want, manifest)
		}
	}
	info := utf16Text(run(t, nil, "wrestool", "-x", "--raw", "--type=16", exe))
	for _, want := range []string{"ProductName\x00" + identity.Name, "FileVersion\x00" + version, "ProductVersion\x00" + version + " (commit " + commit + ")", "OriginalFilename\x00mailroom.exe"} {
		if !strings.Contains(info, want) {
			t.Errorf("version info lacks %q", strings.ReplaceAll(want, "\x00", " = "))
		}
	}
}

// utf16Text turns the UTF-16LE strings of a version resource into a Go
// string, with NUL padding collapsed to one NUL between strings.
func utf16Text(b string) string {
	var out []rune
	for i := 0; i+1 < len(b); i += 2 {
		r := rune(b[i]) | rune(b[i+1])<<8
		if r == 0 && (len(out) == 0 || out[len(out)-1] == 0) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// TestWindowsSigning signs copies of the exe and the installer with a
// throw-away certificate the way the release workflow does with the real
// one (packaging/windows/sign.sh), and verifies the signatures.
func TestWindowsSigning(t *testing.T) {
	needDist(t)
	dir := t.TempDir()
	key, cert, pfx := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "sign.pfx")
	run(t, nil, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Mailroom test signing",
		"-addext", "extendedKeyUsage=codeSigning", "-keyout", key, "-out", cert)
	run(t, nil, "openssl", "pkcs12", "-export", "-inkey", key, "-in", cert, "-out", pfx, "-passout", "pass:test")
	for _, src := range []string{windowsExe(t), artefact(t, "-windows-amd64-setup.exe")} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, []string{"MAILROOM_SIGN_PFX=" + pfx, "MAILROOM_SIGN_PASSWORD=test"}, "../windows/sign.sh", file)
		out := run(t, nil, "osslsigncode", "verify", "-CAfile", cert, "-in", file)
		if !strings.Contains(out, "Signature verification: ok") {
			t.Errorf("%s: %s", filepath.Base(file), out)
		}
	}
	// Without a certificate, signing does nothing.
	out := run(t, []string{"MAILROOM_SIGN_PFX="}, "../windows/sign.sh", filepath.Join(dir, "mailroom.exe"))
	if out != "" {
		t.Errorf("sign.sh without a certificate printed %q", out)
	}
}
