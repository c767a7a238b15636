package distcheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"mailroom/app/identity"
)

// glfwLibraries are the Debian packages of the X libraries GLFW loads at
// run time (dlopen, so absent from the binary's NEEDED list) and of the
// two it links.
var glfwLibraries = []string{"libgl1", "libx11-6", "libxcursor1", "libxrandr2", "libxinerama1", "libxi6", "libxxf86vm1"}

func debFiles(t *testing.T) []string {
	deb := artefact(t, "-linux-amd64.deb")
	var files []string
	for _, line := range strings.Split(run(t, nil, "dpkg-deb", "-c", deb), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 6 {
			files = append(files, strings.TrimPrefix(fields[5], "."))
		}
	}
	return files
}

// linuxInstalledFiles is what the .deb and .rpm install.
func linuxInstalledFiles() []string {
	id := identity.ID
	files := []string{
		"/usr/bin/mailroom",
		"/usr/share/applications/" + id + ".desktop",
		"/usr/share/metainfo/" + id + ".metainfo.xml",
		"/usr/share/icons/hicolor/scalable/apps/" + id + ".svg",
		"/usr/share/man/man1/mailroom.1.gz",
	}
	for _, s := range []string{"16", "24", "32", "48", "64", "128", "256", "512"} {
		files = append(files, "/usr/share/icons/hicolor/"+s+"x"+s+"/apps/"+id+".png")
	}
	return files
}

func TestDebContentsAndMetadata(t *testing.T) {
	needDist(t)
	files := debFiles(t)
	want := append(linuxInstalledFiles(), "/usr/share/doc/mailroom/copyright", "/usr/share/doc/mailroom/changelog.gz")
	for _, f := range want {
		if !slices.Contains(files, f) {
			t.Errorf("the .deb lacks %s; it has:\n%s", f, strings.Join(files, "\n"))
		}
	}
	deb := artefact(t, "-linux-amd64.deb")
	field := func(name string) string { return strings.TrimSpace(run(t, nil, "dpkg-deb", "-f", deb, name)) }
	if got := field("Package"); got != "mailroom" {
		t.Errorf("Package %q", got)
	}
	if got := field("Version"); got != version {
		t.Errorf("Version %q, FyneApp.toml says %q", got, version)
	}
	if got := field("Architecture"); got != "amd64" {
		t.Errorf("Architecture %q", got)
	}
	depends := field("Depends")
	for _, lib := range append([]string{"libc6"}, glfwLibraries...) {
		if !strings.Contains(depends, lib) {
			t.Errorf("Depends lacks %s: %s", lib, depends)
		}
	}
	if size, _ := os.Stat(deb); size != nil {
		t.Logf("%s: %.1f MB", filepath.Base(deb), float64(size.Size())/1e6)
	}
}

// TestDebDesktopFilesValidate runs the freedesktop and AppStream
// validators on the files as installed.
func TestDebDesktopFilesValidate(t *testing.T) {
	needDist(t)
	root := t.TempDir()
	run(t, nil, "dpkg-deb", "-x", artefact(t, "-linux-amd64.deb"), root)
	out := run(t, nil, "desktop-file-validate", filepath.Join(root, "usr/share/applications", identity.ID+".desktop"))
	if strings.TrimSpace(out) != "" {
		t.Errorf("desktop-file-validate: %s", out)
	}
	out = run(t, nil, "appstreamcli", "validate", "--no-net", "--explain", filepath.Join(root, "usr/share/metainfo", identity.ID+".metainfo.xml"))
	t.Logf("appstreamcli: %s", out)
}

// TestDebLintian: lintian's errors and warnings fail the test; the
// exceptions are overridden inside the package, with their reasons
// (packaging/linux/lintian-overrides, docs/packaging.md).
func TestDebLintian(t *testing.T) {
	needDist(t)
	out := run(t, nil, "lintian", "--fail-on", "error,warning", "--display-info", artefact(t, "-linux-amd64.deb"))
	t.Logf("lintian:\n%s", out)
}

func TestRpmContentsAndRequires(t *testing.T) {
	needDist(t)
	rpm := artefact(t, "-linux-amd64.rpm")
	if got := strings.TrimSpace(run(t, nil, "rpm", "-qp", "--queryformat", "%{NAME} %{VERSION}", rpm)); got != "mailroom "+version {
		t.Errorf("rpm is %q", got)
	}
	files := strings.Split(run(t, nil, "rpm", "-qpl", rpm), "\n")
	for _, f := range linuxInstalledFiles() {
		if !slices.Contains(files, f) {
			t.Errorf("the .rpm lacks %s", f)
		}
	}
	requires := run(t, nil, "rpm", "-qp", "--requires", rpm)
	for _, lib := range []string{"libXcursor", "libXrandr", "libXinerama", "libXi", "libXxf86vm", "libX11"} {
		if !strings.Contains(requires, lib) {
			t.Errorf("rpm requires lacks %s:\n%s", lib, requires)
		}
	}
}

func TestFyneTarball(t *testing.T) {
	needDist(t)
	list := run(t, nil, "tar", "-tJf", artefact(t, "-linux-amd64.tar.xz"))
	for _, f := range []string{"usr/local/bin/mailroom", "usr/local/share/applications/", "Makefile"} {
		if !strings.Contains(list, f) {
			t.Errorf("the tarball lacks %s:\n%s", f, list)
		}
	}
}

// TestDebInstallsAndOpensItsWindow installs the .deb with apt (which must
// resolve every dependency), runs the installed binary as a user would
// (version, then the window under Xvfb, found with xwininfo and kept as a
// screenshot), then removes the package and checks nothing is left.
func TestDebInstallsAndOpensItsWindow(t *testing.T) {
	needDist(t)
	deb, err := filepath.Abs(artefact(t, "-linux-amd64.deb"))
	if err != nil {
		t.Fatal(err)
	}
	lock := []string{"-o", "DPkg::Lock::Timeout=300"}
	sim := run(t, nil, "apt-get", append(lock, "install", "-s", "--no-install-recommends", deb)...)
	if !strings.Contains(sim, "Inst mailroom ") && !strings.Contains(sim, "mailroom is already the newest") {
		t.Fatalf("apt-get install -s does not install mailroom:\n%s", sim)
	}
	name, args := sudo("apt-get", append(lock, "install", "-y", "-qq", "--no-install-recommends", "--reinstall", deb)...)
	run(t, []string{"DEBIAN_FRONTEND=noninteractive"}, name, args...)
	t.Cleanup(func() {
		name, args := sudo("apt-get", append(lock, "purge", "-y", "-qq", "mailroom")...)
		out, err := runErr([]string{"DEBIAN_FRONTEND=noninteractive"}, name, args...)
		if err != nil {
			t.Errorf("apt-get purge: %v\n%s", err, out)
		}
		for _, f := range linuxInstalledFiles() {
			if _, err := os.Stat(f); err == nil {
				t.Errorf("%s is left after purge", f)
			}
		}
	})

	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "LANG=C.UTF-8", "LC_ALL=", "LANGUAGE="}
	out := run(t, env, "/usr/bin/mailroom", "--version")
	if want := identity.Name + " " + version + " (commit " + commit + ","; commit != "" && !strings.HasPrefix(out, want) {
		t.Errorf("installed mailroom --version = %q, want prefix %q", out, want)
	}

	display := xvfb(t)
	p := start(t, append(env, "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+sessionBus(t)), "/usr/bin/mailroom")
	line := waitWindow(t, display, identity.Name, 90*time.Second, p)
	t.Logf("window: %s", line)
	time.Sleep(3 * time.Second) // let it paint
	screenshot(t, display, "linux-deb-window.png")
	p.stop()
	if strings.Contains(p.out.String(), "Fyne error") || strings.Contains(p.out.String(), "panic") {
		t.Errorf("the window logged errors:\n%s", p.out.String())
	}
}
