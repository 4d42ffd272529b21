// Package errs holds the few kinds of error fenxiao returns and the stable machine codes that
// integrators match on. The domain returns *Error; the HTTP layer maps Kind to a status once.
package errs

import (
	"errors"
	"fmt"
)

// Kind says which family an error belongs to; it decides the HTTP status.
type Kind string

const (
	Invalid      Kind = "invalid"      // the request is wrong: 422
	NotFound     Kind = "not_found"    // 404
	Conflict     Kind = "conflict"     // the state forbids it, or a duplicate: 409
	Unauthorized Kind = "unauthorized" // no or bad credentials: 401
	Forbidden    Kind = "forbidden"    // credentials lack the role: 403
	Internal     Kind = "internal"     // a bug or an outage: 500, details never shown
)

// Error is an error a person can act on. Code is stable and machine-readable
// (for example "duplicate_phone"); Message is for people; Field names the input at fault.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
	Err     error // the cause, for logs; never shown to clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of a kind with a code and a formatted message.
func E(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field builds an Invalid error about one input field.
func Field(field, code, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, Internal when it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// CodeOf returns the machine code of err, "internal" when it is not an *Error.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "internal"
}

// Is reports whether err is an *Error with the given code.
func Is(err error, code string) bool { return CodeOf(err) == code }
