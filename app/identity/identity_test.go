package identity

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"mailroom/app/identity/manifest"
)

// TestGeneratedFromFyneApp fails when FyneApp.toml changed and
// identity_gen.go was not regenerated: run `go generate ./app/identity`.
func TestGeneratedFromFyneApp(t *testing.T) {
	m, err := manifest.Read("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := manifest.GoSource(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("identity_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("identity_gen.go is not what FyneApp.toml generates: run `go generate ./app/identity`")
	}
	if Name != m.Name || ID != m.ID || Version != m.Version || IconPath != m.Icon {
		t.Fatalf("identity %s/%s/%s/%s, FyneApp.toml %+v", Name, ID, Version, IconPath, m)
	}
}

func TestManifestRejectsWhatPackagesCannotUse(t *testing.T) {
	good := manifest.Manifest{Name: "Mailroom", ID: "io.github.x.Mailroom", Version: "1.2.3", Icon: "i.png"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]manifest.Manifest{
		"two-part ID (AppStream rejects it)": {Name: "Mailroom", ID: LegacyID, Version: "1.2.3", Icon: "i.png"},
		"ID part starting with a digit":      {Name: "Mailroom", ID: "io.1x.Mailroom", Version: "1.2.3", Icon: "i.png"},
		"version with a suffix":              {Name: "Mailroom", ID: "io.x.Mailroom", Version: "1.2.3-rc1", Icon: "i.png"},
		"empty name":                         {ID: "io.x.Mailroom", Version: "1.2.3", Icon: "i.png"},
	} {
		if err := m.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLicenceIsTheLicenseFile(t *testing.T) {
	data, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(string(data), "\n"); first != Licence+" License" {
		t.Fatalf("LICENSE starts with %q; identity.Licence is %q", first, Licence)
	}
}

func TestStringNamesVersionAndCommit(t *testing.T) {
	old := Commit
	t.Cleanup(func() { Commit = old })
	Commit = "0123456789ab"
	if s := String(); !strings.HasPrefix(s, Name+" "+Version+" (commit 0123456789ab, go") {
		t.Fatalf("String() = %q", s)
	}
}
