package link

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/network"
)

// StatusTTL is how long a distributor's status is trusted from the cache: a freeze stops a link
// crediting within this time, on every node, without the redirect reading the database each visit.
const StatusTTL = 5 * time.Second

// Cache bounds. Links never change, so a hit is final; the bounds only keep a flood of distinct
// codes from growing memory without end (the map is simply dropped when full and refills).
const (
	maxCachedCodes = 200_000
	negativeTTL    = 30 * time.Second // an unknown code is asked of the database at most this often
)

// Target is what a visit of /r/{code} leads to.
type Target struct {
	LinkID          int64
	DistributorID   int64
	DistributorCode string // what the attribution cookie names
	InviteCode      string // the level 1's invite code, for invite links
	Kind            Kind
	ProductID       int64 // 0 unless Kind is Product
	// Status is the distributor's status as of at most StatusTTL ago; only Approved credits.
	Status network.Status
}

// Credits reports whether a visit of the target may credit its distributor.
func (t Target) Credits() bool { return t.Status == network.Approved }

type statusEntry struct {
	status network.Status
	at     time.Time
}

type cache struct {
	db  *db.DB
	ttl time.Duration

	mu       sync.RWMutex
	targets  map[string]Target    // code → link, never stale
	unknown  map[string]time.Time // code → when the database last said it does not exist
	statuses map[int64]statusEntry
	slots    map[slot]Link

	group singleflight.Group
}

type slot struct {
	distributorID int64
	kind          Kind
	productID     int64
}

func newCache(d *db.DB, ttl time.Duration) *cache {
	return &cache{db: d, ttl: ttl, targets: map[string]Target{}, unknown: map[string]time.Time{},
		statuses: map[int64]statusEntry{}, slots: map[slot]Link{}}
}

// Resolve returns the target of code, and false when no link has it. A cached code costs no
// database read; a miss costs one (shared by concurrent visits of the same code), and so does a
// distributor status older than StatusTTL.
func (s *Service) Resolve(ctx context.Context, code string) (Target, bool, error) {
	return s.cache.resolve(ctx, code, time.Now())
}

func (c *cache) resolve(ctx context.Context, code string, now time.Time) (Target, bool, error) {
	if !ValidCode(code) {
		return Target{}, false, nil
	}
	c.mu.RLock()
	t, ok := c.targets[code]
	st, fresh := c.statuses[t.DistributorID]
	missAt, isUnknown := c.unknown[code]
	c.mu.RUnlock()
	switch {
	case ok && fresh && now.Sub(st.at) < c.ttl:
		t.Status = st.status
		return t, true, nil
	case ok:
		s, err := c.status(ctx, t.DistributorID, now)
		if err != nil {
			return Target{}, false, err
		}
		t.Status = s
		return t, true, nil
	case isUnknown && now.Sub(missAt) < negativeTTL:
		return Target{}, false, nil
	}
	v, err, _ := c.group.Do("code:"+code, func() (any, error) {
		var t Target
		var pid sql.NullInt64
		err := c.db.R.QueryRowContext(ctx, qTarget, code).Scan(&t.LinkID, &t.DistributorID, &t.Kind, &pid,
			&t.DistributorCode, &t.InviteCode, &t.Status)
		if errors.Is(err, sql.ErrNoRows) {
			c.mu.Lock()
			c.trim()
			c.unknown[code] = now
			c.mu.Unlock()
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("resolve link %s: %w", code, err)
		}
		t.ProductID = pid.Int64
		c.mu.Lock()
		c.trim()
		c.targets[code] = t
		c.statuses[t.DistributorID] = statusEntry{status: t.Status, at: now}
		delete(c.unknown, code)
		c.mu.Unlock()
		return t, nil
	})
	if err != nil || v == nil {
		return Target{}, false, err
	}
	return v.(Target), true, nil
}

// status reads a distributor's status when the cached one is older than the TTL.
func (c *cache) status(ctx context.Context, distributorID int64, now time.Time) (network.Status, error) {
	v, err, _ := c.group.Do("status:"+itoa(distributorID), func() (any, error) {
		var st network.Status
		if err := c.db.R.QueryRowContext(ctx, qStatus, distributorID).Scan(&st); err != nil {
			return nil, fmt.Errorf("read status of distributor %d: %w", distributorID, err)
		}
		c.mu.Lock()
		c.statuses[distributorID] = statusEntry{status: st, at: now}
		c.mu.Unlock()
		return st, nil
	})
	if err != nil {
		return "", err
	}
	return v.(network.Status), nil
}

// trim drops the maps when they outgrow their bound; the caller holds mu.
func (c *cache) trim() {
	if len(c.targets)+len(c.unknown) >= maxCachedCodes {
		c.targets, c.unknown = map[string]Target{}, map[string]time.Time{}
		c.statuses = map[int64]statusEntry{}
	}
}

func (c *cache) bySlot(distributorID int64, kind Kind, productID int64) (Link, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	l, ok := c.slots[slot{distributorID, kind, productID}]
	return l, ok
}

func (c *cache) putSlot(l Link) {
	var pid int64
	if l.ProductID != nil {
		pid = *l.ProductID
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.slots) >= maxCachedCodes {
		c.slots = map[slot]Link{}
	}
	c.slots[slot{l.DistributorID, l.Kind, pid}] = l
}
