package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// The account view's connection test: run in the background, each step
// listed as it finishes, and the trust decision for a certificate that
// did not verify.

// testConnection runs the check in the background and lists each step as
// it completes.
func (v *accountsView) testConnection() {
	a, err := v.form()
	if err != nil {
		showError(err, v.win)
		return
	}
	password := v.password.Text
	withMessage := v.testMessage.Checked
	v.test.Disable()
	v.testBusy.Show()
	v.testBusy.Start()
	v.testSteps.SetText("")
	v.steps.Show()
	v.trust.Hide()
	var lines string
	v.bridge.run(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), connectionTestTimeout)
		defer cancel()
		err := v.book.TestConnection(ctx, a, password, withMessage, func(s ConnStep) {
			v.bridge.update(func() {
				lines += stepLine(s) + "\n"
				v.testSteps.SetText(lines)
				if s.Certificate != nil {
					v.untrustedCert = s.Certificate
					v.trust.Show()
				}
			})
		})
		return func() {
			v.testBusy.Stop()
			v.testBusy.Hide()
			v.test.Enable()
			switch {
			case errors.Is(err, errStepFailed):
				// The failed step, with what to change, is the line above.
				lines += "✗ " + lang.L("The account does not work yet.")
			case err != nil:
				lines += "✗ " + sayErr(err)
			default:
				lines += "✓ " + lang.L("The account works.")
			}
			v.testSteps.SetText(lines)
		}
	})
}

// confirmTrust shows the certificate that failed verification and, if the
// user accepts it, pins its fingerprint to this account only.
func (v *accountsView) confirmTrust() {
	c := v.untrustedCert
	if c == nil {
		return
	}
	msg := lang.L("Only trust this certificate if you know the server uses it (ask your IT department to confirm the fingerprint).\n\nSubject: {{.Subject}}\nIssuer: {{.Issuer}}\nSHA-256: {{.Fingerprint}}",
		map[string]any{"Subject": c.Subject, "Issuer": c.Issuer, "Fingerprint": c.SHA256})
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Trust this certificate?"), lang.L("Trust it for this account"), lang.L("Cancel"), label, func(ok bool) {
		if !ok {
			return
		}
		v.current.PinnedSHA256 = c.SHA256
		v.saveAccount()
		v.trust.Hide()
	}, v.win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

func stepLine(s ConnStep) string {
	mark := "✓ "
	if !s.OK {
		mark = "✗ "
	}
	return mark + lang.L("{{.Step}}: {{.Detail}}", map[string]any{"Step": stepName(s.Step), "Detail": s.Detail})
}

func stepName(step string) string {
	switch step {
	case "dns":
		return lang.L("Looking up the server")
	case "connect":
		return lang.L("Connecting")
	case "greeting", "ehlo":
		return lang.L("Server greeting")
	case "starttls", "tls":
		return lang.L("Encryption")
	case "certificate":
		return lang.L("Certificate")
	case "auth":
		return lang.L("Signing in")
	case "test-message":
		return lang.L("Test message")
	case "dkim":
		return lang.L("DKIM record")
	}
	return step
}
