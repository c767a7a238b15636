package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"mailroom/app/accounts"
	"mailroom/app/msg"
)

// revokeTimeout bounds the courtesy call that cancels the grant at the
// provider: signing out must not wait long for a slow network.
const revokeTimeout = 10 * time.Second

// SignOut forgets the account's sign-in: it asks the provider to cancel
// the grant where the provider offers that (Google, RFC 7009), then
// deletes the refresh token from the keychain. The error is only about
// the keychain; note says, in the user's words, when the provider could
// not be told, so the user can remove Mailroom from their account's
// connected apps themselves.
func (s *Service) SignOut(ctx context.Context, a accounts.Account) (note msg.Text, err error) {
	if s.secrets == nil {
		return note, errors.New("oauth: no keychain")
	}
	refresh, getErr := s.secrets.Get(a.OAuthSecretID())
	p, known := s.ProviderFor(a)
	if getErr == nil && refresh != "" && known {
		if p.RevokeURL == "" {
			note = msg.T("Signed out. {{.Provider}} keeps Mailroom in your account's list of connected apps until you remove it there.", "Provider", p.Name)
		} else if rerr := s.revoke(ctx, p, refresh); rerr != nil {
			note = msg.T("Signed out on this computer, but {{.Provider}} could not be told ({{.Reason}}): remove Mailroom from your account's connected apps if you no longer use it.",
				"Provider", p.Name, "Reason", msg.Raw(rerr.Error()))
		}
	}
	if err := s.secrets.Delete(a.OAuthSecretID()); err != nil {
		return note, err
	}
	return note, nil
}

func (s *Service) revoke(ctx context.Context, p Provider, refresh string) error {
	ctx, cancel := context.WithTimeout(ctx, revokeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.RevokeURL,
		strings.NewReader(url.Values{"token": {refresh}, "token_type_hint": {"refresh_token"}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			return uerr.Err // the URL is the provider's, not news to the user
		}
		return err
	}
	resp.Body.Close()
	// RFC 7009 section 2.2: 200 also for a token that was already invalid.
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}
