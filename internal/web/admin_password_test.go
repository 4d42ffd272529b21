package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestAdminPasswords(t *testing.T) {
	e := newAdminEnv(t)
	// A wrong current password is refused next to its field and changes nothing.
	r := e.post("operator", "/admin/password", url.Values{"current": {"nope nope"}, "password": {"a new password"}})
	if r.Status != 422 || !strings.Contains(r.Body, "当前密码不正确") {
		t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
	}
	if _, err := e.S.Accounts.LoginStaff(e.ctx, "operator@shop", "password-operator"); err != nil {
		t.Fatalf("old password stopped working after a refused change: %v", err)
	}
	r = e.post("operator", "/admin/password", url.Values{"current": {"password-operator"}, "password": {"a new password"}})
	if r.Status != 303 {
		t.Fatalf("change: %d %s", r.Status, r.Body)
	}
	if _, err := e.S.Accounts.LoginStaff(e.ctx, "operator@shop", "a new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	// Only the owner resets someone else's password; a weak one is refused.
	st, err := e.S.Accounts.LoginStaff(e.ctx, "finance@shop", "password-finance")
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/staff/" + adminItoa(st.ID) + "/password"
	if r := e.post("operator", path, url.Values{"password": {"hijacked password"}}); r.Status != 403 {
		t.Fatalf("operator reset: %d", r.Status)
	}
	if r := e.post("owner", path, url.Values{"password": {"short"}}); r.Status != 422 || !strings.Contains(r.Body, "field-error") {
		t.Fatalf("weak reset: %d", r.Status)
	}
	if r := e.post("owner", path, url.Values{"password": {"finance reset 1"}}); r.Status != 303 {
		t.Fatalf("owner reset: %d %s", r.Status, r.Body)
	}
	if _, err := e.S.Accounts.LoginStaff(e.ctx, "finance@shop", "finance reset 1"); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
}
