// Package clock lets every rule that depends on time ("settleable seven days after completion")
// be tested by moving a clock instead of sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time. Services read it once per transaction so one state change has one time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock, in UTC so stored times compare the same on every engine.
type Real struct{}

func (Real) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that only moves when told to; safe for concurrent use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual starts a manual clock at t.
func NewManual(t time.Time) *Manual { return &Manual{t: t.UTC()} }

func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.t = m.t.Add(d)
	m.mu.Unlock()
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.t = t.UTC()
	m.mu.Unlock()
}
