package assets

import "embed"

// Sample is the sample campaign (assets/sample): a bill notice to four
// customers that the window's welcome page opens, and runs as a dry run
// without any mail account.
//
//go:embed sample/campaign.json sample/customers.csv sample/notice.md
var Sample embed.FS

// Guide is the user guide the Help menu shows, one Markdown file per
// language (guide.en.md, guide.zh_Hans.md).
//
//go:embed help/*.md
var Guide embed.FS
