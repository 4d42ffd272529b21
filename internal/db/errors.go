package db

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// ErrDuplicate is wrapped into the error of a write that broke a unique index; services turn it
// into a message about the field that is taken.
var ErrDuplicate = errors.New("duplicate key")

// ErrForeignKey is wrapped into the error of a write that referenced a missing row.
var ErrForeignKey = errors.New("missing referenced row")

// Translate turns driver errors into the shared sentinels, once per dialect, keeping domain
// errors (*errs.Error) untouched.
func Translate(d Dialect, err error) error {
	if err == nil {
		return nil
	}
	var de *errs.Error
	if errors.As(err, &de) {
		return err
	}
	switch d {
	case Postgres:
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			switch pe.Code {
			case "23505":
				return &dupError{constraint: pe.ConstraintName, err: err}
			case "23503":
				return errors.Join(ErrForeignKey, err)
			}
		}
	case SQLite:
		var se *sqlite.Error
		if errors.As(err, &se) {
			switch se.Code() {
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return &dupError{constraint: se.Error(), err: err}
			case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
				return errors.Join(ErrForeignKey, err)
			}
		}
	}
	return err
}

type dupError struct {
	constraint string // PostgreSQL's constraint name, or SQLite's "table.column" message
	err        error
}

func (e *dupError) Error() string        { return "duplicate key: " + e.err.Error() }
func (e *dupError) Is(target error) bool { return target == ErrDuplicate }
func (e *dupError) Unwrap() error        { return e.err }

// IsDuplicate reports whether err broke the unique index on table(column). Indexes are named
// table_column_uq in both dialects; SQLite reports "table.column" instead of the name.
func IsDuplicate(err error, table, column string) bool {
	var de *dupError
	if !errors.As(err, &de) {
		// Inside a transaction the error is not translated yet; either dialect's may be here.
		if !errors.As(Translate(Postgres, err), &de) && !errors.As(Translate(SQLite, err), &de) {
			return false
		}
	}
	return de.constraint == table+"_"+column+"_uq" || strings.Contains(de.constraint, table+"."+column)
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}
