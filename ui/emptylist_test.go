package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailroom/app/campaign"
	"mailroom/assets"
)

// TestPreflightSaysWhenTheListSendsToNobody: the window's preflight shows
// an empty list as a blocking problem, in the window's language.
func TestPreflightSaysWhenTheListSendsToNobody(t *testing.T) {
	t.Cleanup(func() {
		os.Setenv("LC_ALL", "en_US.UTF-8")
		if err := assets.RegisterTranslations(); err != nil {
			t.Fatal(err)
		}
	})
	os.Setenv("LC_ALL", "zh_CN.UTF-8")
	if err := assets.RegisterTranslations(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	list := filepath.Join(dir, "名单.csv")
	if err := os.WriteFile(list, []byte("姓名,邮箱\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{Recipients: list, Subject: "{{姓名}}，您好", From: "me@example.com", DryRun: filepath.Join(dir, "out")}
	path := filepath.Join(dir, "c.json")
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("您好\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.Body = filepath.Join(dir, "body.txt")
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	backend := &campaignBackend{env: campaign.Env{DataDir: dir}}
	problems, err := backend.Preflight(context.Background(), Draft{Path: path, Campaign: *c})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range problems {
		if p.Blocking {
			texts = append(texts, p.Text)
		}
	}
	if len(texts) != 1 || !strings.Contains(texts[0], "没有收件人：名单只有表头，没有数据行") {
		t.Errorf("blocking problems %q, want the empty list in Chinese", texts)
	}
}
