package sender

import (
	"context"
	"errors"
	"fmt"
)

// Credential gives the secret a login sends: a password, or an OAuth 2
// access token. rejected is the secret the server just refused, "" for an
// ordinary login. A credential that can renew itself (an OAuth refresh)
// returns a new secret; any other returns the same one again.
type Credential func(ctx context.Context, rejected string) (string, error)

// WithCredential logs in as username with the secret cred gives at each
// login, so that a run lasting longer than an access token's hour keeps
// going. When the server refuses the secret (535), the engine asks cred
// once for a new one and logs in again on a new connection; when cred
// gives the same secret, or the new one is refused too, the run stops with
// ErrAuth. A server that asks for a login in the middle of a session (530
// or 535 to a command, a token expired under it) gets the same: a new
// connection and login with a renewed secret, once per message.
//
// An error from cred that matches ErrAuth (a revoked sign-in) stops the
// run with that error inside the *StopError; any other error (the
// provider unreachable) is retried like a connection that failed.
func WithCredential(username string, cred Credential, mech AuthMechanism) Option {
	return func(c *config) error {
		if err := checkAuth(username, mech); err != nil {
			return err
		}
		if cred == nil {
			return fmt.Errorf("%w: nil credential", ErrInvalidConfig)
		}
		c.username, c.credential, c.mechanism, c.renewable = username, cred, mech, true
		return nil
	}
}

// secretFor asks the credential for the secret of the next login.
func (c *smtpConn) secretFor(ctx context.Context, rejected string) (string, *connectError) {
	secret, err := c.cfg.credential(ctx, rejected)
	switch {
	case err == nil:
		return secret, nil
	case errors.Is(err, ErrAuth):
		return "", &connectError{fatal: ErrAuth, err: err}
	}
	return "", &connectError{err: fmt.Errorf("the sign-in could not be renewed: %w", err)}
}

// signInAgain drops a session whose login the server no longer accepts,
// so that the next login renews the secret. It reports false when the
// credential cannot renew (a fixed password), and the refusal stands.
func (c *smtpConn) signInAgain() bool {
	if !c.cfg.renewable {
		return false
	}
	c.stale = c.secret
	c.drop()
	return true
}
