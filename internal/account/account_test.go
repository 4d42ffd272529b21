package account_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
)

var ctx = context.Background()

func init() {
	account.Params = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

type outbox struct {
	mu   sync.Mutex
	sent []string
}

func (o *outbox) Send(_ context.Context, phone, text string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, text)
	return nil
}

func (o *outbox) lastCode(t *testing.T) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.sent) == 0 {
		t.Fatal("no SMS sent")
	}
	return regexp.MustCompile(`\d{6}`).FindString(o.sent[len(o.sent)-1])
}

func TestStaffLoginAndLockout(t *testing.T) {
	d, clk := dbtest.Open(t)
	s := &account.Service{DB: d, SMS: account.LogSMS{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	if has, _ := s.HasOwner(ctx); has {
		t.Fatal("new shop has an owner")
	}
	if _, err := s.CreateStaff(ctx, "Boss@Shop.cn", "老板", "owner", "short"); !errs.Is(err, "weak_password") {
		t.Fatalf("weak password: %v", err)
	}
	if _, err := s.CreateStaff(ctx, "boss@shop.cn", "老板", "owner", "correct horse"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStaff(ctx, "BOSS@shop.cn", "另一个", "operator", "correct horse"); !errs.Is(err, "duplicate_login") {
		t.Fatalf("duplicate login: %v", err)
	}
	if has, _ := s.HasOwner(ctx); !has {
		t.Fatal("owner not found")
	}
	st, err := s.LoginStaff(ctx, " Boss@shop.cn ", "correct horse")
	if err != nil || st.Role != "owner" {
		t.Fatalf("login: %+v %v", st, err)
	}
	if _, err := s.LoginStaff(ctx, "nobody@shop.cn", "whatever1"); !errs.Is(err, "bad_login") {
		t.Fatalf("unknown login: %v", err)
	}
	for i := 1; i < account.MaxFailures; i++ {
		if _, err := s.LoginStaff(ctx, "boss@shop.cn", "wrong password"); !errs.Is(err, "bad_login") {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, err := s.LoginStaff(ctx, "boss@shop.cn", "wrong password"); !errs.Is(err, "locked") {
		t.Fatalf("lock-out: %v", err)
	}
	if _, err := s.LoginStaff(ctx, "boss@shop.cn", "correct horse"); !errs.Is(err, "locked") {
		t.Fatalf("right password while locked: %v", err)
	}
	clk.Advance(account.LockFor + time.Second)
	if _, err := s.LoginStaff(ctx, "boss@shop.cn", "correct horse"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
}

func TestDistributorPasswordAndCodes(t *testing.T) {
	d, clk := dbtest.Open(t)
	sms := &outbox{}
	s := &account.Service{DB: d, SMS: sms}
	net := &network.Service{DB: d}
	dist, err := net.Apply(ctx, network.Application{Name: "小红", Phone: "13800000001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginDistributor(ctx, "13800000001", "anything1"); !errs.Is(err, "no_password") {
		t.Fatalf("no password yet: %v", err)
	}
	if err := s.SendCode(ctx, "13800000001", account.PurposeLogin); err != nil {
		t.Fatal(err)
	}
	if err := s.SendCode(ctx, "13800000001", account.PurposeLogin); !errs.Is(err, "too_soon") {
		t.Fatalf("second code at once: %v", err)
	}
	code := sms.lastCode(t)
	if _, err := s.VerifyCode(ctx, "13800000001", account.PurposeLogin, "000000"); !errs.Is(err, "bad_code") && code != "000000" {
		t.Fatalf("wrong code: %v", err)
	}
	id, err := s.VerifyCode(ctx, "138 0000 0001", account.PurposeLogin, code)
	if err != nil || id != dist.ID {
		t.Fatalf("verify: %d %v", id, err)
	}
	if _, err := s.VerifyCode(ctx, "13800000001", account.PurposeLogin, code); err == nil {
		t.Fatal("a code worked twice")
	}
	// Five wrong guesses burn a code.
	clk.Advance(2 * time.Minute)
	if err := s.SendCode(ctx, "13800000001", account.PurposeLogin); err != nil {
		t.Fatal(err)
	}
	code = sms.lastCode(t)
	for range account.CodeAttempts {
		s.VerifyCode(ctx, "13800000001", account.PurposeLogin, "999999x")
	}
	if _, err := s.VerifyCode(ctx, "13800000001", account.PurposeLogin, code); !errs.Is(err, "too_many_attempts") {
		t.Fatalf("after 5 wrong guesses: %v", err)
	}
	// Expired codes are refused.
	clk.Advance(2 * time.Minute)
	s.SendCode(ctx, "13800000001", account.PurposeLogin)
	code = sms.lastCode(t)
	clk.Advance(account.CodeTTL + time.Second)
	if _, err := s.VerifyCode(ctx, "13800000001", account.PurposeLogin, code); !errs.Is(err, "code_expired") {
		t.Fatalf("expired: %v", err)
	}
	// A phone that is not a distributor gets the same answer and no SMS.
	before := len(sms.sent)
	if err := s.SendCode(ctx, "13900000009", account.PurposeLogin); err != nil || len(sms.sent) != before {
		t.Fatalf("stranger: %v, sent %d", err, len(sms.sent)-before)
	}
	if err := s.SetDistributorPassword(ctx, dist.ID, "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	if id, err := s.LoginDistributor(ctx, "+86 13800000001", "s3cret-pass"); err != nil || id != dist.ID {
		t.Fatalf("password login: %d %v", id, err)
	}
	if _, err := s.LoginDistributor(ctx, "13800000001", "wrong-pass"); !errs.Is(err, "bad_login") || strings.Contains(err.Error(), "phone") {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestRateLimitAcrossCallers(t *testing.T) {
	d, _ := dbtest.Open(t)
	s := &account.Service{DB: d}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Allow(ctx, "login:1.2.3.4", 5, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("allowed %d of 20, want 5", allowed)
	}
}

func TestStaffPasswordChangeAndReset(t *testing.T) {
	d, _ := dbtest.Open(t)
	s := &account.Service{DB: d}
	st, err := s.CreateStaff(ctx, "ops@shop.cn", "运营", "operator", "first password")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeStaffPassword(ctx, st.ID, "not it at all", "second password"); !errs.Is(err, "wrong_password") {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangeStaffPassword(ctx, st.ID, "first password", "short"); !errs.Is(err, "weak_password") {
		t.Fatalf("weak new password: %v", err)
	}
	if err := s.ChangeStaffPassword(ctx, st.ID, "first password", "second password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginStaff(ctx, "ops@shop.cn", "second password"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	// Locked out, then reset by the owner: the lock goes with the old password.
	for range account.MaxFailures {
		s.LoginStaff(ctx, "ops@shop.cn", "wrong wrong wrong")
	}
	if err := s.SetStaffPassword(ctx, st.ID, "third password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginStaff(ctx, "ops@shop.cn", "third password"); err != nil {
		t.Fatalf("login after the reset: %v", err)
	}
	if err := s.SetStaffPassword(ctx, 999, "third password"); !errs.Is(err, "staff_not_found") {
		t.Fatalf("reset of a missing account: %v", err)
	}
}
