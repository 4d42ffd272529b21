package attribution_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

func asErr(err error, e **errs.Error) bool { return errors.As(err, e) }

func lower(s string) string { return strings.ToLower(s) }

func TestUpsertCustomer(t *testing.T) {
	w := newWorld(t, settings.DefaultBinding())
	upsert := func(phone, name string) (int64, error) {
		var id int64
		err := w.db.InTx(w.ctx, func(tx *db.Tx) error {
			var err error
			id, err = w.svc.UpsertCustomer(w.ctx, tx, phone, name)
			return err
		})
		return id, err
	}
	nameOf := func(id int64) string {
		var n string
		w.must(w.db.R.QueryRow(`SELECT name FROM customers WHERE id = $1`, id).Scan(&n))
		return n
	}
	id, err := upsert("13900000001", "")
	w.must(err)
	steps := []struct{ phone, name, want string }{
		{"+86 139 0000 0001", "", ""},
		{"86-139-0000-0001", " 张三 ", "张三"}, // fills the empty name
		{"13900000001", "李四", "张三"},        // never replaces one
	}
	for _, s := range steps {
		got, err := upsert(s.phone, s.name)
		if err != nil || got != id || nameOf(id) != s.want {
			t.Errorf("%q %q: id %d name %q, %v; want id %d name %q", s.phone, s.name, got, nameOf(id), err, id, s.want)
		}
	}
	var e *errs.Error
	if _, err := upsert("12345", ""); !asErr(err, &e) || e.Kind != errs.Invalid || e.Field != "phone" {
		t.Errorf("bad phone: %v", err)
	}
	if _, err := upsert("13900000002", "a\u200bb"); !asErr(err, &e) || e.Field != "name" {
		t.Errorf("bad name: %v", err)
	}
	if n := w.count("customers"); n != 1 {
		t.Errorf("%d customers, want 1", n)
	}
}

func TestBindingSettings(t *testing.T) {
	w := newWorld(t, settings.DefaultBinding())
	for _, c := range []struct {
		b    settings.Binding
		code string
	}{
		{settings.Binding{Mode: "first", BindingDays: 0}, ""},
		{settings.Binding{Mode: "permanent", BindingDays: 3650, SelfPurchase: true}, ""},
		{settings.Binding{Mode: "newest", BindingDays: 30}, "invalid_binding_mode"},
		{settings.Binding{Mode: "", BindingDays: 30}, "invalid_binding_mode"},
		{settings.Binding{Mode: "last", BindingDays: -1}, "invalid_binding_days"},
		{settings.Binding{Mode: "last", BindingDays: 3651}, "invalid_binding_days"},
	} {
		err := w.db.InTx(w.ctx, func(tx *db.Tx) error { return settings.SaveBinding(w.ctx, tx, c.b) })
		if errs.CodeOf(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%+v: %v, want code %q", c.b, err, c.code)
		}
		if c.code != "" && errs.KindOf(err) != errs.Invalid {
			t.Errorf("%+v: kind %s", c.b, errs.KindOf(err))
		}
	}
	got, err := settings.LoadBinding(w.ctx, w.db.R)
	w.must(err)
	if want := (settings.Binding{Mode: "permanent", BindingDays: 3650, SelfPurchase: true}); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
	var audits int
	w.must(w.db.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'settings.binding'`).Scan(&audits))
	if audits != 3 { // the world's setup, then the two valid saves
		t.Errorf("%d audit entries, want 3", audits)
	}

	fresh, _ := dbtest.Open(t)
	def, err := settings.LoadBinding(w.ctx, fresh.R)
	w.must(err)
	if def != (settings.Binding{Mode: "first", BindingDays: 30, SelfPurchase: false}) || def != settings.DefaultBinding() {
		t.Errorf("default = %+v", def)
	}
}
