// Package link gives every approved distributor tracked short links (DESIGN.md §3, §8): one for
// the shop, one per product and, for a level 1, an invite link that opens the distributor
// application. A visit of /r/{code} is resolved from an in-memory cache, recorded in batches off
// the request path (Recorder) and counted per distributor, link, product and day (Stats).
package link

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Kind is what a link opens.
type Kind string

const (
	Shop    Kind = "shop"    // the shop's home page
	Product Kind = "product" // one product's page
	Invite  Kind = "invite"  // the distributor application with a level 1's invite code filled in
)

// Link is a distributor's short link. Links never change once made, so they are cached forever.
type Link struct {
	ID            int64     `json:"id"`
	Code          string    `json:"code" doc:"the short code in /r/{code}"`
	DistributorID int64     `json:"distributor_id"`
	Kind          Kind      `json:"kind" enum:"shop,product,invite"`
	ProductID     *int64    `json:"product_id" doc:"set for product links only"`
	CreatedAt     time.Time `json:"created_at"`
}

// Path is the link's path on the shop's host.
func (l Link) Path() string { return "/r/" + l.Code }

// URL is the link on the shop at base (scheme://host, a trailing slash is ignored).
func (l Link) URL(base string) string { return strings.TrimRight(base, "/") + l.Path() }

// Service makes links, resolves codes and counts clicks.
type Service struct {
	DB  *db.DB
	Log *slog.Logger
	// Clicks records visits in batches; Close it before the database closes.
	Clicks *Recorder

	cache *cache
}

// New returns a Service with its cache and click recorder. The recorder's goroutine starts on the
// first click.
func New(d *db.DB, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{DB: d, Log: log}
	s.cache = newCache(d, StatusTTL)
	s.Clicks = NewRecorder(d, log, RecorderOptions{})
	return s
}

// Code length and alphabet: 8 characters from 31 (no 0/O, 1/I/L) give about 8.5e11 codes, so a
// code cannot be guessed from another and a collision (retried) is rare.
const (
	codeLen      = 8
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
)

func newCode() string {
	b := make([]byte, codeLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// ValidCode reports whether s has the shape of a link code, so junk never reaches the database.
func ValidCode(s string) bool {
	if len(s) != codeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(codeAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// ForShop returns the distributor's shop link, making it on first ask.
// Errors: NotFound (distributor_not_found), Conflict (distributor_not_approved).
func (s *Service) ForShop(ctx context.Context, distributorID int64) (Link, error) {
	return s.get(ctx, distributorID, Shop, 0)
}

// ForProduct returns the distributor's link to one product, making it on first ask.
// Errors: NotFound (distributor_not_found, product_not_found), Conflict (distributor_not_approved).
func (s *Service) ForProduct(ctx context.Context, distributorID, productID int64) (Link, error) {
	if productID <= 0 {
		return Link{}, errs.E(errs.NotFound, "product_not_found", "product %d not found", productID)
	}
	return s.get(ctx, distributorID, Product, productID)
}

// ForInvite returns a level 1's invite link, making it on first ask. It opens the distributor
// application with the level 1's invite code filled in; whether the invite is still usable is
// decided when the application is sent. Errors: NotFound, Conflict (distributor_not_approved,
// invite_level2: a level 2 recruits customers, never distributors).
func (s *Service) ForInvite(ctx context.Context, distributorID int64) (Link, error) {
	return s.get(ctx, distributorID, Invite, 0)
}

// List returns the distributor's links: the shop link and, for a level 1, the invite link (both
// made if missing), then every product link made so far, by product.
func (s *Service) List(ctx context.Context, distributorID int64) ([]Link, error) {
	d, err := s.eligible(ctx, distributorID)
	if err != nil {
		return nil, err
	}
	if _, err := s.ForShop(ctx, d.ID); err != nil {
		return nil, err
	}
	if d.Level == 1 {
		if _, err := s.ForInvite(ctx, d.ID); err != nil {
			return nil, err
		}
	}
	rows, err := s.DB.R.QueryContext(ctx, qListByDistributor, distributorID)
	if err != nil {
		return nil, fmt.Errorf("list links of distributor %d: %w", distributorID, err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ByCode returns the link with code. Errors: NotFound (link_not_found).
func (s *Service) ByCode(ctx context.Context, code string) (Link, error) {
	if !ValidCode(code) {
		return Link{}, errs.E(errs.NotFound, "link_not_found", "no link has the code %q", code)
	}
	l, err := scanLink(s.DB.R.QueryRowContext(ctx, qByCode, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, errs.E(errs.NotFound, "link_not_found", "no link has the code %q", code)
	}
	return l, err
}

// eligible loads a distributor who may have links: approved or frozen (a frozen distributor keeps
// its links; they stop crediting until it is unfrozen).
func (s *Service) eligible(ctx context.Context, distributorID int64) (network.Distributor, error) {
	d, err := (&network.Service{DB: s.DB}).Get(ctx, distributorID)
	if err != nil {
		return d, err
	}
	if d.Status != network.Approved && d.Status != network.Frozen {
		return d, errs.E(errs.Conflict, "distributor_not_approved",
			"distributor %s is %s: links are made once the application is approved", d.Code, d.Status)
	}
	return d, nil
}

// get finds or makes one link. The partial unique indexes decide under concurrency: an insert
// that loses the race (or draws a taken code) does nothing, and the row is read back.
func (s *Service) get(ctx context.Context, distributorID int64, kind Kind, productID int64) (Link, error) {
	if l, ok := s.cache.bySlot(distributorID, kind, productID); ok {
		return l, nil
	}
	d, err := s.eligible(ctx, distributorID)
	if err != nil {
		return Link{}, err
	}
	if kind == Invite && d.Level != 1 {
		return Link{}, errs.E(errs.Conflict, "invite_level2",
			"%s is a level-2 distributor: level-2 distributors recruit customers, not distributors", d.Code)
	}
	var pid any
	if kind == Product {
		pid = productID
	}
	for attempt := 0; attempt < 5; attempt++ {
		var l Link
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if kind == Product {
				var n int
				if err := tx.QueryRowContext(ctx, qProductExists, productID).Scan(&n); err != nil {
					return fmt.Errorf("check product %d: %w", productID, err)
				}
				if n == 0 {
					return errs.E(errs.NotFound, "product_not_found", "product %d not found", productID)
				}
			}
			if _, err := tx.ExecContext(ctx, qInsertLink, newCode(), distributorID, string(kind), pid, tx.Now); err != nil {
				return fmt.Errorf("make %s link for distributor %d: %w", kind, distributorID, err)
			}
			q, args := qSlotShop, []any{distributorID, string(kind)}
			if kind == Product {
				q, args = qSlotProduct, []any{distributorID, productID}
			}
			var err error
			l, err = scanLink(tx.QueryRowContext(ctx, q, args...))
			return err
		})
		if errors.Is(err, sql.ErrNoRows) {
			continue // the code drawn was taken: draw again
		}
		if err != nil {
			return Link{}, err
		}
		s.cache.putSlot(l)
		return l, nil
	}
	return Link{}, fmt.Errorf("make %s link for distributor %d: no free code after 5 draws", kind, distributorID)
}

func scanLink(row interface{ Scan(...any) error }) (Link, error) {
	var l Link
	var pid sql.NullInt64
	if err := row.Scan(&l.ID, &l.Code, &l.DistributorID, &l.Kind, &pid, &l.CreatedAt); err != nil {
		return Link{}, err
	}
	if pid.Valid {
		l.ProductID = &pid.Int64
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return l, nil
}

// zone is the merchant's zone, in which clicks and orders fall on days.
var zone = settings.Shanghai

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
