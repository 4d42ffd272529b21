package identity_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/identity"
)

// checkInvalid asserts that err is a *identity.Error with the given field and
// reason, matches ErrInvalid, and (if wantMsg is non-empty) that its message
// contains wantMsg.
func checkInvalid(t *testing.T, err error, field, reason, wantMsg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want reason %q", reason)
	}
	if !errors.Is(err, identity.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
	var ve *identity.Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %T %v is not *identity.Error", err, err)
	}
	if ve.Field != field || ve.Reason != reason {
		t.Errorf("got field %q reason %q (%q), want field %q reason %q", ve.Field, ve.Reason, ve.Message, field, reason)
	}
	if ve.Message == "" || err.Error() != ve.Message {
		t.Errorf("Error() = %q, Message = %q", err.Error(), ve.Message)
	}
	if wantMsg != "" && !strings.Contains(ve.Message, wantMsg) {
		t.Errorf("message %q does not contain %q", ve.Message, wantMsg)
	}
}

func TestErrorIs(t *testing.T) {
	var err error = &identity.Error{Field: "x", Reason: "y", Message: "z"}
	if !errors.Is(err, identity.ErrInvalid) {
		t.Error("*Error does not match ErrInvalid")
	}
	wrapped := fmt.Errorf("register distributor: %w", err)
	if !errors.Is(wrapped, identity.ErrInvalid) {
		t.Error("wrapped *Error does not match ErrInvalid")
	}
	if errors.Is(err, errors.New("identity: invalid value")) {
		t.Error("*Error matches an unrelated error")
	}
	if err.Error() != "z" {
		t.Errorf("Error() = %q, want %q", err.Error(), "z")
	}
}
