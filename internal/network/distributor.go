// Package network holds the distributor network of DESIGN.md §2: applications, review, the two
// levels, freezing, moves, invite codes and teams. The tree is never deeper than two; every rule
// that keeps it so lives in this package and is checked again by `fenxiao verify`.
package network

import (
	"crypto/rand"
	"time"
)

// Status of a distributor.
type Status string

const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
	Frozen   Status = "frozen"
)

// Distributor is a member of the network. Level 2 always has a level-1 parent; level 1 never has one.
type Distributor struct {
	ID           int64      `json:"id"`
	Code         string     `json:"code" doc:"share code used in links (/r/{code}) and as an order's ref"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone"`
	RealName     *string    `json:"real_name,omitempty"`
	IDCard       *string    `json:"id_card,omitempty" doc:"masked: first 6 and last 4 characters"`
	Level        int        `json:"level" enum:"1,2"`
	ParentID     *int64     `json:"parent_id"`
	Status       Status     `json:"status" enum:"pending,approved,rejected,frozen"`
	InviteCode   *string    `json:"invite_code" doc:"level-1 only, once approved: recruits level-2 distributors"`
	StatusReason *string    `json:"status_reason,omitempty" doc:"why it was rejected or frozen"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ApprovedAt   *time.Time `json:"approved_at,omitempty"`
}

// CanEarn reports whether new orders may credit d (DESIGN.md §2: frozen stops crediting).
func (d Distributor) CanEarn() bool { return d.Status == Approved }

// Application is what a person submits to become a distributor.
type Application struct {
	Name       string `json:"name" minLength:"1" maxLength:"256" doc:"display name, up to 64 characters"`
	Phone      string `json:"phone" minLength:"1" maxLength:"32" doc:"mainland China mobile number, e.g. 13812345678"`
	RealName   string `json:"real_name,omitempty" maxLength:"128" doc:"legal name, needed for payouts"`
	IDCard     string `json:"id_card,omitempty" maxLength:"32" doc:"18-character resident ID number (GB 11643)"`
	InviteCode string `json:"invite_code,omitempty" maxLength:"32" doc:"a level-1's invite code: the applicant joins as its level-2"`
}

// Codes use an alphabet without 0/O and 1/I/L so they survive being read aloud or retyped.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newCode(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return prefix + string(b)
}
