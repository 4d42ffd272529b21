package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
)

// dbFlags points a command at a fresh test database on the engine under test.
func dbFlags(t *testing.T) []string {
	if dbtest.Postgres() {
		return []string{"--database-url", dbtest.URL(t)}
	}
	return []string{"--data-dir", t.TempDir()}
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

func TestHelpTeaches(t *testing.T) {
	out, err := runCmd(t, "help")
	if err != nil || !strings.Contains(out, "serve") || !strings.Contains(out, "FENXIAO_DATABASE_URL") {
		t.Fatalf("help: %v\n%s", err, out)
	}
	for _, cmd := range []string{"serve", "migrate", "verify"} {
		out, err := runCmd(t, cmd, "--help")
		if err != exitError(0) || !strings.Contains(out, "-database-url") {
			t.Errorf("%s --help: %v\n%s", cmd, err, out)
		}
	}
	if _, err := runCmd(t, "bogus"); err == nil {
		t.Error("unknown command accepted")
	}
}

func TestMigrateAPIKeyVerify(t *testing.T) {
	flags := dbFlags(t)
	if out, err := runCmd(t, append([]string{"migrate"}, flags...)...); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	out, err := runCmd(t, append([]string{"apikey", "create", "--name", "erp", "--role", "operator"}, flags...)...)
	if err != nil || !strings.HasPrefix(out, "fx_") {
		t.Fatalf("apikey create: %v %s", err, out)
	}
	if _, err := runCmd(t, append([]string{"apikey", "create", "--name", "x", "--role", "god"}, flags...)...); err == nil {
		t.Fatal("bad role accepted")
	}
	out, err = runCmd(t, append([]string{"apikey", "list"}, flags...)...)
	if err != nil || !strings.Contains(out, "erp") || !strings.Contains(out, "operator") {
		t.Fatalf("apikey list: %v %s", err, out)
	}
	if out, err := runCmd(t, append([]string{"apikey", "revoke", "--id", "1"}, flags...)...); err != nil {
		t.Fatalf("revoke: %v %s", err, out)
	}
	if out, err := runCmd(t, append([]string{"verify"}, flags...)...); err != nil || !strings.HasPrefix(out, "ok:") {
		t.Fatalf("verify: %v %s", err, out)
	}
}

// A database corrupted by hand makes verify exit 1 and name the breach.
func TestVerifyFailsOnCorruption(t *testing.T) {
	url := dbtest.URL(t)
	if !dbtest.Postgres() {
		url = filepath.Join(t.TempDir(), "fenxiao.db")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	_, err = d.W.Exec(`INSERT INTO distributors (code, name, phone, level, status, invite_code, created_at, updated_at)
		VALUES ('DA', 'a', '13900000001', 1, 'approved', 'INV1', $1, $1), ('DB', 'b', '13900000002', 1, 'approved', NULL, $1, $1)`, now)
	if err != nil {
		t.Fatal(err)
	}
	// Hand edit: make DB a level-2 of DA while it keeps an invite code, then DA a level-2 of DB.
	if _, err := d.W.Exec(`UPDATE distributors SET level = 2, parent_id = (SELECT id FROM distributors WHERE code = 'DA'), invite_code = 'INV2' WHERE code = 'DB'`); err != nil {
		t.Fatal(err)
	}
	args := []string{"verify", "--database-url", url}
	out, err := runCmd(t, args...)
	if err != exitError(1) || !strings.Contains(out, "only level-1 distributors hold invite codes") {
		t.Fatalf("verify on corrupt db: %v\n%s", err, out)
	}
}

func TestServeAnswersAndStopsGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr}, dbFlags(t)...), &out, &bytes.Buffer{})
	}()
	// Generous: on PostgreSQL other test packages may hold the migration lock for a while.
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped before it was ready: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestUserCreate(t *testing.T) {
	flags := dbFlags(t)
	t.Setenv("FENXIAO_USER_PASSWORD", "a long password")
	out, err := runCmd(t, append([]string{"user", "create", "--login", "boss@shop.cn", "--name", "王店长"}, flags...)...)
	if err != nil || !strings.Contains(out, "created owner boss@shop.cn") {
		t.Fatalf("user create: %v %s", err, out)
	}
	if _, err := runCmd(t, append([]string{"user", "create", "--login", "boss@shop.cn", "--name", "x"}, flags...)...); err == nil {
		t.Fatal("duplicate login accepted")
	}
	t.Setenv("FENXIAO_USER_PASSWORD", "short")
	if _, err := runCmd(t, append([]string{"user", "create", "--login", "ops@shop.cn", "--name", "x", "--role", "operator"}, flags...)...); err == nil {
		t.Fatal("weak password accepted")
	}
}
