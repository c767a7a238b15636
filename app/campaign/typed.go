package campaign

import (
	"strings"

	"mailroom/app/recipients"
)

// hasRecipients reports whether the campaign names a list: a file, or
// recipients typed in the window or given with --to.
func (c *Campaign) hasRecipients() bool {
	return c.Recipients != "" || len(c.RecipientLines) > 0
}

// openRecipients reads the campaign's list: its file, else the typed
// recipients.
func (c *Campaign) openRecipients(opts ...recipients.Option) (*recipients.Reader, error) {
	if c.Recipients == "" {
		return recipients.OpenTyped(strings.Join(c.RecipientLines, "\n"), opts...)
	}
	return recipients.Open(c.Recipients, opts...)
}
