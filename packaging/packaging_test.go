// Package packaging holds the per-OS packaging files. These tests keep
// them in step with FyneApp.toml and the Makefile without building
// anything; packaging/distcheck checks the built packages (make dist-check).
package packaging

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"mailroom/app/identity"
)

// TestReleaseWorkflowCallsExistingTargets: the workflow cannot run here,
// so every `make TARGET` it runs must be a target of this Makefile (make
// -n fails on an unknown one), and it must publish on v* tags.
func TestReleaseWorkflowCallsExistingTargets(t *testing.T) {
	data, err := os.ReadFile("../.github/workflows/release.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			Push struct{ Tags []string } `yaml:"push"`
		} `yaml:"on"`
		Jobs map[string]struct {
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("release.yml is not valid YAML: %v", err)
	}
	if len(wf.On.Push.Tags) != 1 || wf.On.Push.Tags[0] != "v*" {
		t.Errorf("release.yml runs on tags %v, want [v*]", wf.On.Push.Tags)
	}
	makeCall := regexp.MustCompile(`\bmake\s+(?:-s\s+)?([a-z][a-z0-9-]*)`)
	targets := map[string]bool{}
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			for _, m := range makeCall.FindAllStringSubmatch(step.Run, -1) {
				targets[m[1]] = true
			}
		}
	}
	for _, want := range []string{"test", "package-linux", "package-windows", "package-macos"} {
		if !targets[want] {
			t.Errorf("release.yml never runs make %s", want)
		}
	}
	var names []string
	for target := range targets {
		names = append(names, target)
	}
	sort.Strings(names)
	for _, target := range names {
		// -n prints the recipe without running it; -C .. is the repo root.
		out, err := exec.Command("make", "-C", "..", "-n", target).CombinedOutput()
		if err != nil {
			t.Errorf("release.yml runs `make %s`, which the Makefile lacks: %v\n%s", target, err, out)
		}
	}
}

// TestLinuxFilesNameTheID: the .desktop file, the AppStream metadata and
// the icon are named after FyneApp.toml's ID, and AppStream's newest
// release is FyneApp.toml's version.
func TestLinuxFilesNameTheID(t *testing.T) {
	desktop, err := os.ReadFile(filepath.Join("linux", identity.ID+".desktop"))
	if err != nil {
		t.Fatalf("no .desktop file named after the ID: %v", err)
	}
	for _, want := range []string{"\nName=" + identity.Name + "\n", "\nIcon=" + identity.ID + "\n", "\nExec=mailroom\n"} {
		if !bytes.Contains(desktop, []byte(want)) {
			t.Errorf("%s.desktop lacks %q", identity.ID, strings.TrimSpace(want))
		}
	}
	data, err := os.ReadFile(filepath.Join("linux", identity.ID+".metainfo.xml"))
	if err != nil {
		t.Fatalf("no AppStream file named after the ID: %v", err)
	}
	var meta struct {
		ID         string `xml:"id"`
		Licence    string `xml:"project_license"`
		Launchable string `xml:"launchable"`
		Names      []struct {
			Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			Text string `xml:",chardata"`
		} `xml:"name"`
		Releases []struct {
			Version string `xml:"version,attr"`
		} `xml:"releases>release"`
	}
	if err := xml.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.ID != identity.ID || meta.Launchable != identity.ID+".desktop" || meta.Licence != identity.Licence {
		t.Errorf("metainfo id %q launchable %q licence %q", meta.ID, meta.Launchable, meta.Licence)
	}
	if len(meta.Names) == 0 || meta.Names[0].Text != identity.Name {
		t.Errorf("metainfo names %+v", meta.Names)
	}
	if len(meta.Releases) == 0 || meta.Releases[0].Version != identity.Version {
		t.Errorf("newest AppStream release %+v, FyneApp.toml version %s: add a <release>", meta.Releases, identity.Version)
	}
}

// TestIconSizes: every size the packages install exists, square, of its
// size, rendered from the SVG (make icons).
func TestIconSizes(t *testing.T) {
	check := func(path string, size int) {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		if cfg.Width != size || cfg.Height != size {
			t.Errorf("%s is %dx%d, want %dx%d", path, cfg.Width, cfg.Height, size, size)
		}
	}
	for _, size := range []int{16, 24, 32, 48, 64, 128, 256, 512} {
		check(filepath.Join("..", "assets", "icon", "mailroom-"+strconv.Itoa(size)+".png"), size)
	}
	check(filepath.Join("..", identity.IconPath), 1024)
}

// TestWindowsResourcesTemplate: after the substitutions package.sh makes,
// the go-winres input is valid JSON naming the ID, version and every icon.
func TestWindowsResourcesTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("windows", "winres.json.in"))
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer("@ICONDIR@", "/icons", "@APP_ID@", identity.ID, "@APP_NAME@", identity.Name,
		"@VERSION4@", identity.Version+".0", "@VERSION@", identity.Version, "@COMMIT@", "abc", "@LICENCE@", identity.Licence)
	out := r.Replace(string(data))
	if strings.Contains(out, "@") {
		t.Fatalf("a placeholder is left: %s", out)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON after substitution: %v", err)
	}
	for _, key := range []string{"RT_GROUP_ICON", "RT_MANIFEST", "RT_VERSION"} {
		if v[key] == nil {
			t.Errorf("no %s", key)
		}
	}
	if !strings.Contains(out, `"dpi-awareness": "per monitor v2"`) || !strings.Contains(out, `"use-common-controls-v6": true`) {
		t.Error("manifest lacks per-monitor-v2 DPI or common controls v6")
	}
}
