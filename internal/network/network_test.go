package network_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/verify"
)

var ctx = context.Background()

func newService(t *testing.T) (*network.Service, *db.DB) {
	d, _ := dbtest.Open(t)
	return &network.Service{DB: d}, d
}

func phone(i int) string { return fmt.Sprintf("139%08d", i) }

// approved makes an approved distributor, level 2 when invite is a level-1's invite code.
func approved(t *testing.T, s *network.Service, i int, invite string) network.Distributor {
	t.Helper()
	d, err := s.Apply(ctx, network.Application{Name: fmt.Sprintf("分销商%d", i), Phone: phone(i), InviteCode: invite})
	if err != nil {
		t.Fatalf("apply %d: %v", i, err)
	}
	d, err = s.Approve(ctx, d.ID)
	if err != nil {
		t.Fatalf("approve %d: %v", i, err)
	}
	return d
}

func mustVerify(t *testing.T, d *db.DB) {
	t.Helper()
	b, err := verify.Run(ctx, d)
	if err != nil || len(b) > 0 {
		t.Fatalf("verify: %v %+v", err, b)
	}
}

func TestTwoLevelsAndNeverThree(t *testing.T) {
	s, d := newService(t)
	alice := approved(t, s, 1, "")
	if alice.Level != 1 || alice.ParentID != nil || alice.InviteCode == nil {
		t.Fatalf("alice = %+v, want an approved level 1 with an invite code", alice)
	}
	bob := approved(t, s, 2, *alice.InviteCode)
	if bob.Level != 2 || bob.ParentID == nil || *bob.ParentID != alice.ID || bob.InviteCode != nil {
		t.Fatalf("bob = %+v, want level 2 under alice without an invite code", bob)
	}
	// Bob's share code is not an invite: applying with it never makes a third level.
	_, err := s.Apply(ctx, network.Application{Name: "Carol", Phone: phone(3), InviteCode: bob.Code})
	if !errs.Is(err, "invite_from_level2") {
		t.Fatalf("apply with a level-2's code: got %v, want invite_from_level2", err)
	}
	// Moving Alice (who leads Bob) under another level-1 would make three levels.
	dave := approved(t, s, 4, "")
	_, err = s.Move(ctx, alice.ID, &dave.ID, "reorg")
	if !errs.Is(err, "has_team") {
		t.Fatalf("move a leader: got %v, want has_team", err)
	}
	// Nor can anyone be moved under a level-2.
	_, err = s.Move(ctx, dave.ID, &bob.ID, "")
	if !errs.Is(err, "parent_not_level1") {
		t.Fatalf("move under a level-2: got %v, want parent_not_level1", err)
	}
	mustVerify(t, d)
}

func TestInvitesFromInactiveDistributors(t *testing.T) {
	s, d := newService(t)
	alice := approved(t, s, 1, "")
	if _, err := s.Freeze(ctx, alice.ID, "复核资料"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Apply(ctx, network.Application{Name: "Bob", Phone: phone(2), InviteCode: *alice.InviteCode})
	if !errs.Is(err, "inviter_inactive") || !strings.Contains(err.Error(), "frozen") {
		t.Fatalf("invite from frozen: got %v", err)
	}
	// A rejected applicant never had an invite code; its share code is not one either.
	rej, err := s.Apply(ctx, network.Application{Name: "Rita", Phone: phone(3)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reject(ctx, rej.ID, "资料不全"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Apply(ctx, network.Application{Name: "Bob", Phone: phone(2), InviteCode: rej.Code})
	if !errs.Is(err, "invite_not_found") {
		t.Fatalf("invite with a rejected applicant's code: got %v", err)
	}
	// Pending level-1s have no invite code yet.
	pend, _ := s.Apply(ctx, network.Application{Name: "Pat", Phone: phone(4)})
	if pend.InviteCode != nil {
		t.Fatalf("pending level-1 has invite code %v", *pend.InviteCode)
	}
	// Invites can be switched off by the merchant.
	if _, err := s.Unfreeze(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	n := settings.DefaultNetwork()
	n.Level1CanInvite = false
	if err := d.InTx(ctx, func(tx *db.Tx) error { return settings.SaveNetwork(ctx, tx, n) }); err != nil {
		t.Fatal(err)
	}
	_, err = s.Apply(ctx, network.Application{Name: "Bob", Phone: phone(2), InviteCode: *alice.InviteCode})
	if !errs.Is(err, "invites_disabled") {
		t.Fatalf("invite while disabled: got %v", err)
	}
	mustVerify(t, d)
}

func TestStatusMachine(t *testing.T) {
	s, d := newService(t)
	p, err := s.Apply(ctx, network.Application{Name: "Amy", Phone: phone(1)})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() (network.Distributor, error)
		want network.Status
		code string
	}{
		{"freeze pending", func() (network.Distributor, error) { return s.Freeze(ctx, p.ID, "x") }, "", "invalid_transition"},
		{"unfreeze pending", func() (network.Distributor, error) { return s.Unfreeze(ctx, p.ID) }, "", "invalid_transition"},
		{"reject without reason", func() (network.Distributor, error) { return s.Reject(ctx, p.ID, "  ") }, "", "reason_required"},
		{"approve", func() (network.Distributor, error) { return s.Approve(ctx, p.ID) }, network.Approved, ""},
		{"approve twice", func() (network.Distributor, error) { return s.Approve(ctx, p.ID) }, "", "invalid_transition"},
		{"reject approved", func() (network.Distributor, error) { return s.Reject(ctx, p.ID, "no") }, "", "invalid_transition"},
		{"freeze without reason", func() (network.Distributor, error) { return s.Freeze(ctx, p.ID, "") }, "", "reason_required"},
		{"freeze", func() (network.Distributor, error) { return s.Freeze(ctx, p.ID, "刷单嫌疑") }, network.Frozen, ""},
		{"unfreeze", func() (network.Distributor, error) { return s.Unfreeze(ctx, p.ID) }, network.Approved, ""},
		{"missing", func() (network.Distributor, error) { return s.Approve(ctx, 9999) }, "", "distributor_not_found"},
	}
	for _, st := range steps {
		got, err := st.do()
		if st.code != "" {
			if !errs.Is(err, st.code) {
				t.Fatalf("%s: got %v, want code %s", st.name, err, st.code)
			}
			continue
		}
		if err != nil || got.Status != st.want {
			t.Fatalf("%s: got %+v %v, want %s", st.name, got.Status, err, st.want)
		}
	}
	// A level-2 applicant cannot be approved while its inviter is frozen.
	alice := approved(t, s, 2, "")
	bob, err := s.Apply(ctx, network.Application{Name: "Bob", Phone: phone(3), InviteCode: *alice.InviteCode})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Freeze(ctx, alice.ID, "check"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, bob.ID); !errs.Is(err, "parent_inactive") {
		t.Fatalf("approve under frozen parent: %v", err)
	}
	mustVerify(t, d)
}

func TestAutoApprove(t *testing.T) {
	s, d := newService(t)
	n := settings.DefaultNetwork()
	n.ReviewMode = settings.ReviewAuto
	if err := d.InTx(ctx, func(tx *db.Tx) error { return settings.SaveNetwork(ctx, tx, n) }); err != nil {
		t.Fatal(err)
	}
	a, err := s.Apply(ctx, network.Application{Name: "Amy", Phone: phone(1)})
	if err != nil || a.Status != network.Approved || a.InviteCode == nil || a.ApprovedAt == nil {
		t.Fatalf("auto approve: %+v %v", a, err)
	}
	b, err := s.Apply(ctx, network.Application{Name: "Ben", Phone: phone(2), InviteCode: strings.ToLower(*a.InviteCode)})
	if err != nil || b.Status != network.Approved || b.Level != 2 || b.InviteCode != nil {
		t.Fatalf("auto approve level 2: %+v %v", b, err)
	}
}

func TestMoveAndPromote(t *testing.T) {
	s, d := newService(t)
	alice := approved(t, s, 1, "")
	carl := approved(t, s, 2, "")
	bob := approved(t, s, 3, *alice.InviteCode)
	moved, err := s.Move(ctx, bob.ID, &carl.ID, "团队调整")
	if err != nil || *moved.ParentID != carl.ID || moved.Level != 2 {
		t.Fatalf("move: %+v %v", moved, err)
	}
	if _, err := s.Move(ctx, bob.ID, &carl.ID, ""); !errs.Is(err, "same_parent") {
		t.Fatalf("move to same parent: %v", err)
	}
	promoted, err := s.Move(ctx, bob.ID, nil, "业绩优秀")
	if err != nil || promoted.Level != 1 || promoted.ParentID != nil || promoted.InviteCode == nil {
		t.Fatalf("promote: %+v %v", promoted, err)
	}
	// A level-1 without a team can become someone's level-2.
	demoted, err := s.Move(ctx, promoted.ID, &alice.ID, "")
	if err != nil || demoted.Level != 2 || demoted.InviteCode != nil {
		t.Fatalf("demote: %+v %v", demoted, err)
	}
	var moves int
	if err := d.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'distributor.move' AND entity_id = $1`, fmt.Sprint(bob.ID)).Scan(&moves); err != nil || moves != 3 {
		t.Fatalf("audited moves = %d, %v; want 3", moves, err)
	}
	mustVerify(t, d)
}

func TestDuplicates(t *testing.T) {
	s, _ := newService(t)
	_, err := s.Apply(ctx, network.Application{Name: "A", Phone: "13800000001", IDCard: "11010519491231002X"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Apply(ctx, network.Application{Name: "B", Phone: "+86 138-0000-0001"})
	if errs.KindOf(err) != errs.Conflict || !errs.Is(err, "duplicate_phone") || !strings.Contains(err.Error(), "138****0001") {
		t.Fatalf("duplicate phone: %v", err)
	}
	_, err = s.Apply(ctx, network.Application{Name: "C", Phone: "13800000002", IDCard: "11010519491231002x"})
	if !errs.Is(err, "duplicate_id_card") {
		t.Fatalf("duplicate id card: %v", err)
	}
}

// Many people submitting the same phone at once still make one distributor.
func TestConcurrentApplicationsSamePhone(t *testing.T) {
	s, d := newService(t)
	const n = 20
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Apply(ctx, network.Application{Name: fmt.Sprintf("同号%d", i), Phone: "13700000000"})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok, dup := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errs.Is(err, "duplicate_phone"):
			dup++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	var rows int
	d.R.QueryRow(`SELECT count(*) FROM distributors WHERE phone = '13700000000'`).Scan(&rows)
	if ok != 1 || dup != n-1 || rows != 1 {
		t.Fatalf("ok=%d dup=%d rows=%d; want 1, %d, 1", ok, dup, rows, n-1)
	}
}

func TestListAndTeam(t *testing.T) {
	s, _ := newService(t)
	alice := approved(t, s, 1, "")
	for i := 2; i <= 6; i++ {
		approved(t, s, i, *alice.InviteCode)
	}
	if _, err := s.Apply(ctx, network.Application{Name: "100%_pending", Phone: phone(7)}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		f     network.Filter
		total int
		items int
	}{
		{"all", network.Filter{}, 7, 7},
		{"level 2 paged", network.Filter{Level: 2, PerPage: 2, Page: 3}, 5, 1},
		{"pending", network.Filter{Status: network.Pending}, 1, 1},
		{"by team", network.Filter{ParentID: alice.ID}, 5, 5},
		{"q name", network.Filter{Q: "分销商3"}, 1, 1},
		{"q phone part", network.Filter{Q: "0000000"}, 7, 7},
		{"q code", network.Filter{Q: strings.ToLower(alice.Code)}, 1, 1},
		{"q like metachar is literal", network.Filter{Q: "%_"}, 1, 1},
		{"q sql", network.Filter{Q: "'; DROP TABLE distributors; --"}, 0, 0},
	}
	for _, c := range cases {
		p, err := s.List(ctx, c.f)
		if err != nil || p.Total != c.total || len(p.Items) != c.items {
			t.Errorf("%s: total %d items %d err %v; want %d %d", c.name, p.Total, len(p.Items), err, c.total, c.items)
		}
	}
	if _, err := s.List(ctx, network.Filter{Status: "bogus"}); !errs.Is(err, "invalid_status") {
		t.Errorf("bad status: %v", err)
	}
	team, err := s.Team(ctx, alice.ID, 1, 20)
	if err != nil || team.Total != 5 {
		t.Fatalf("team: %d %v", team.Total, err)
	}
	if _, err := s.Team(ctx, team.Items[0].ID, 1, 20); !errs.Is(err, "no_team") {
		t.Fatalf("team of a level-2: %v", err)
	}
}
