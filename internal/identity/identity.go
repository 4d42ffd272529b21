// Package identity validates and normalises the personal identifiers a
// distributor gives when applying: a mainland China mobile number, an
// 18-character resident identity card number and a display or real name.
//
// Every validation failure is returned as an *Error, which carries a plain
// English Message that can be shown to the person who typed the value, plus a
// stable machine-readable Field and Reason (see the Field* and Reason*
// constants). Every such error matches ErrInvalid:
//
//	if errors.Is(err, identity.ErrInvalid) { ... 400 Bad Request ... }
//
//	var ve *identity.Error
//	if errors.As(err, &ve) { ... ve.Field, ve.Reason, ve.Message ... }
//
// Messages never repeat a whole phone or ID card number back; an ID card
// message may quote the two province digits or the eight birth-date digits.
package identity

import (
	"errors"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// ErrInvalid is matched by every *Error, so callers can tell "the person typed
// something wrong" apart from other failures with errors.Is(err, ErrInvalid).
var ErrInvalid = errors.New("identity: invalid value")

// Error describes why a value was refused.
type Error struct {
	// Field is the value that was refused: FieldPhone, FieldIDCard or
	// FieldName. Callers validating something more specific (for example a
	// real name versus a nickname) may overwrite it after errors.As.
	Field string
	// Reason is a stable machine-readable code, one of the Reason* constants.
	Reason string
	// Message is a plain English explanation a person can act on.
	Message string
}

// Error returns the human-readable message.
func (e *Error) Error() string { return e.Message }

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Field values.
const (
	FieldPhone  = "phone"
	FieldIDCard = "id_card"
	FieldName   = "name"
)

// Reason values. They are part of the API: clients may switch on them, so
// they must not change once released.
const (
	// ReasonRequired: the value is empty or only whitespace (any field).
	ReasonRequired = "required"

	// ReasonPhoneFormat: the phone contains characters other than digits,
	// spaces and dashes, or a country code other than +86.
	ReasonPhoneFormat = "phone_format"
	// ReasonPhoneLength: the phone does not have 11 digits (after removing
	// an optional +86/86 prefix).
	ReasonPhoneLength = "phone_length"
	// ReasonPhonePrefix: the phone has 11 digits but does not start with
	// 13 to 19.
	ReasonPhonePrefix = "phone_prefix"

	// ReasonIDCard15Digit: a 15-digit first-generation ID card number, which
	// is not accepted.
	ReasonIDCard15Digit = "id_card_15_digit"
	// ReasonIDCardLength: the ID card number is not 18 characters long.
	ReasonIDCardLength = "id_card_length"
	// ReasonIDCardFormat: the ID card number is 18 characters long but is not
	// 17 digits followed by a digit or X.
	ReasonIDCardFormat = "id_card_format"
	// ReasonIDCardProvince: the first two digits are not a province code.
	ReasonIDCardProvince = "id_card_province"
	// ReasonIDCardBirthDate: the birth date is not a real calendar date or
	// is before 1900.
	ReasonIDCardBirthDate = "id_card_birth_date"
	// ReasonIDCardBirthDateFuture: the birth date is after today.
	ReasonIDCardBirthDateFuture = "id_card_birth_date_future"
	// ReasonIDCardChecksum: the check character does not match.
	ReasonIDCardChecksum = "id_card_checksum"

	// ReasonNameEncoding: the name is not valid UTF-8.
	ReasonNameEncoding = "name_encoding"
	// ReasonNameInvisibleChar: the name contains a control character or an
	// invisible formatting character.
	ReasonNameInvisibleChar = "name_invisible_character"
	// ReasonNameTooLong: the name has more than the allowed number of
	// characters.
	ReasonNameTooLong = "name_too_long"
)

func invalid(field, reason, message string) error {
	return &Error{Field: field, Reason: reason, Message: message}
}

// AsField turns a validation error of this package into the domain error for an input field, so
// every form and API reports a bad phone, ID card or name with the same code and message. Other
// errors pass through unchanged; nil stays nil.
func AsField(field string, err error) error {
	var ie *Error
	if errors.As(err, &ie) {
		return &errs.Error{Kind: errs.Invalid, Code: ie.Reason, Field: field, Message: ie.Message}
	}
	return err
}
