package ui

import (
	"context"
	"errors"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailroom/app/oauth"
)

// The account form's "Sign in with Google / Microsoft", under the provider
// choice for the presets whose provider offers it. The view only wires the
// button: app/oauth runs the sign-in, the backend saves it.

// signInTimeout bounds the wait for the user to finish in the browser.
const signInTimeout = 10 * time.Minute

type oauthSection struct {
	box            *fyne.Container
	status         *widget.Label
	signIn         *widget.Button
	signOut        *widget.Button
	ownApp         *widget.Accordion
	ownAppNote     *widget.Label
	clientID       *widget.Entry
	clientSecret   *widget.Entry
	tenant         *widget.Entry
	secretLabel    *widget.Label
	tenantLabel    *widget.Label
	provider, name string // of the preset shown; "" when it has none
	builtIn        bool
}

func (v *accountsView) newOAuthSection() *oauthSection {
	s := &oauthSection{}
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.signIn = widget.NewButtonWithIcon("", theme.LoginIcon(), v.signInWithProvider)
	s.signIn.Importance = widget.HighImportance
	s.signOut = widget.NewButtonWithIcon(lang.L("Sign out"), theme.LogoutIcon(), v.confirmSignOut)
	s.clientID, s.clientSecret, s.tenant = widget.NewEntry(), widget.NewPasswordEntry(), widget.NewEntry()
	s.tenant.SetPlaceHolder("common")
	s.secretLabel = widget.NewLabel(lang.L("Client secret"))
	s.tenantLabel = widget.NewLabel(lang.L("Tenant (directory) ID"))
	s.ownAppNote = widget.NewLabel("")
	s.ownAppNote.Wrapping = fyne.TextWrapWord
	fields := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("Client ID")), s.clientID,
		s.secretLabel, s.clientSecret,
		s.tenantLabel, s.tenant)
	s.ownApp = widget.NewAccordion(widget.NewAccordionItem(lang.L("Your organisation's own app"), container.NewVBox(s.ownAppNote, fields)))
	s.box = container.NewVBox(container.NewHBox(s.signIn, s.signOut), s.status, s.ownApp)
	s.box.Hide()
	return s
}

// openInBrowser shows a page in the system browser (Fyne's OpenURL). The
// sign-in calls it from its goroutine.
func openInBrowser(authURL string) error {
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	fyne.DoAndWait(func() { err = fyne.CurrentApp().OpenURL(u) })
	return err
}

// showOAuth fits the section to the chosen preset and the account's state.
func (v *accountsView) showOAuth(p *Preset) {
	s := v.oauth
	s.provider, s.name, s.builtIn = "", "", false
	if p != nil {
		s.provider, s.name, s.builtIn = p.OAuth, p.OAuthName, p.OAuthBuiltIn
	}
	if s.provider == "" {
		s.box.Hide()
		v.passwordHint()
		return
	}
	args := map[string]any{"Provider": s.name}
	signedIn := v.signedIn()
	if signedIn {
		// Still offered: a sign-in the provider stopped accepting, or
		// another mailbox, needs it.
		s.signIn.SetText(lang.L("Sign in again"))
		s.signIn.Importance = widget.MediumImportance
		s.status.SetText(lang.L("Signed in as {{.Address}}. Mailroom renews the access by itself: no password is needed.",
			map[string]any{"Address": v.current.OAuth.SignedInAs}))
		s.signOut.Show()
	} else {
		s.signIn.SetText(lang.L("Sign in with {{.Provider}}", args))
		s.signIn.Importance = widget.HighImportance
		s.status.SetText(lang.L("Not signed in. Press Sign in with {{.Provider}}: your browser opens {{.Provider}}'s page, where you allow Mailroom to send mail as you. No password is stored.", args))
		s.signOut.Hide()
	}
	s.signIn.Refresh()
	if s.builtIn {
		s.ownAppNote.SetText(lang.L("Only if your organisation registered its own app for Mailroom: paste its details here. Leave them empty to use Mailroom's own."))
	} else {
		s.ownAppNote.SetText(lang.L("This copy of Mailroom has no {{.Provider}} app built in: paste the details of the app your organisation registered.", args))
	}
	google := s.provider == "google"
	s.secretLabel.Hidden, s.clientSecret.Hidden = !google, !google
	s.tenantLabel.Hidden, s.tenant.Hidden = google, google
	if !s.builtIn && s.clientID.Text == "" && !signedIn {
		s.ownApp.OpenAll() // nothing works until it is filled in
	} else {
		s.ownApp.CloseAll()
	}
	s.box.Show()
	s.box.Refresh()
	v.passwordHint()
}

// signedIn reports whether the account in the form holds a sign-in with
// the provider of the chosen preset.
func (v *accountsView) signedIn() bool {
	o := v.current.OAuth
	return o.SignedIn && o.Provider != "" && o.Provider == v.oauth.provider
}

// fillOAuth shows an account's own app, if it has one.
func (v *accountsView) fillOAuth(o OAuthSettings) {
	s := v.oauth
	s.clientID.SetText(o.ClientID)
	s.clientSecret.SetText(o.ClientSecret)
	s.tenant.SetText(o.Tenant)
}

// readOAuth copies the section into the account the form builds.
func (v *accountsView) readOAuth(a *Account) {
	s := v.oauth
	a.OAuth.Provider = s.provider
	a.OAuth.ClientID, a.OAuth.ClientSecret, a.OAuth.Tenant = s.clientID.Text, s.clientSecret.Text, s.tenant.Text
	if s.provider != "google" {
		a.OAuth.ClientSecret = ""
	}
	if s.provider != "microsoft" {
		a.OAuth.Tenant = ""
	}
}

// signInWithProvider runs the sign-in in the background while a dialog
// waits with a Cancel button; the backend saves the signed-in account.
func (v *accountsView) signInWithProvider() {
	a, err := v.form()
	if err != nil {
		showError(err, v.win)
		return
	}
	name := v.oauth.name
	ctx, cancel := context.WithTimeout(context.Background(), signInTimeout)
	words := widget.NewLabel(lang.L("Finish signing in with {{.Provider}} in your web browser. Mailroom waits here until you are done.", map[string]any{"Provider": name}))
	words.Wrapping = fyne.TextWrapWord
	wait := dialog.NewCustom(lang.L("Signing in"), lang.L("Cancel"), container.NewVBox(words, widget.NewProgressBarInfinite()), v.win)
	wait.SetOnClosed(cancel)
	wait.Resize(fyne.NewSize(460, 200))
	wait.Show()
	v.oauth.signIn.Disable()
	open := v.openURL
	v.bridge.run(func() func() {
		saved, err := v.book.SignIn(ctx, a, open)
		return func() {
			cancel()
			wait.Hide()
			v.oauth.signIn.Enable()
			switch {
			case errors.Is(err, context.Canceled):
				// The user pressed Cancel: nothing to say.
			case errors.Is(err, context.DeadlineExceeded):
				showError(errors.New(lang.L("The sign-in took too long: press Sign in with {{.Provider}} to try again.", map[string]any{"Provider": name})), v.win)
			case errors.Is(err, oauth.ErrNoClientID):
				// Not a failure: what to set up first.
				v.oauth.ownApp.OpenAll()
				dialog.ShowInformation(lang.L("Sign in with {{.Provider}}", map[string]any{"Provider": name}), sayErr(err), v.win)
			case err != nil:
				showError(err, v.win)
			default:
				v.reload(saved.ID)
				v.edit(saved)
				if v.onSaved != nil {
					v.onSaved()
				}
			}
		}
	})
}

// confirmSignOut asks, then forgets the sign-in (revoking it where the
// provider allows).
func (v *accountsView) confirmSignOut() {
	a := v.current
	name := v.oauth.name
	dialog.ShowConfirm(lang.L("Sign out"),
		lang.L("Sign out of {{.Provider}} for this account? Mailroom can send from it again after you sign in again.", map[string]any{"Provider": name}),
		func(ok bool) {
			if !ok {
				return
			}
			v.oauth.signOut.Disable()
			v.bridge.run(func() func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				saved, note, err := v.book.SignOut(ctx, a)
				return func() {
					v.oauth.signOut.Enable()
					if err != nil {
						showError(err, v.win)
						return
					}
					v.reload(saved.ID)
					v.edit(saved)
					if !note.IsZero() {
						dialog.ShowInformation(lang.L("Sign out"), say(note), v.win)
					}
				}
			})
		}, v.win)
}
