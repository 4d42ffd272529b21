package web

import (
	"context"
	"net/http"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/export"
)

// API keys for integrators: the owner lists, creates and revokes them. A new key's secret is on
// the page that answers the create form and nowhere else: only its hash is stored.

type adminKeysData struct {
	Items  []apikey.Key
	Secret string // the key just created, shown once
	Pager  adminPager
	Roles  []string
}

func (s *Server) adminKeyService() *apikey.Service { return &apikey.Service{DB: s.DB} }

func (s *Server) adminKeys(w http.ResponseWriter, r *http.Request) {
	s.adminKeysPage(w, r, http.StatusOK, &Page{}, "")
}

func (s *Server) adminKeysPage(w http.ResponseWriter, r *http.Request, status int, p *Page, secret string) {
	keys, err := s.adminKeyService().List(r.Context())
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if adminWantsExport(r) {
		q := s.adminPage(w, r, "", nil)
		cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: q.T("admin.k.name")}, {Header: q.T("admin.k.prefix")},
			{Header: q.T("admin.k.role")}, {Header: q.T("admin.k.created"), Kind: export.Time},
			{Header: q.T("admin.k.last_used"), Kind: export.Time}, {Header: q.T("admin.k.revoked"), Kind: export.Time}}
		s.adminExport(w, r, "api-keys", q.T("admin.nav.keys"), cols, func(_ context.Context, emit func([]any) error) error {
			for _, k := range keys {
				if err := emit([]any{k.ID, k.Name, k.Prefix, k.Role, k.CreatedAt, k.LastUsedAt, k.RevokedAt}); err != nil {
					return err
				}
			}
			return nil
		})
		return
	}
	page := adminPageParam(r)
	from := min(adminOffset(page), len(keys))
	d := adminKeysData{Items: keys[from:min(from+adminPerPage, len(keys))], Secret: secret, Pager: newAdminPager(r.URL, page, len(keys)),
		Roles: []string{apikey.RoleOwner, apikey.RoleOperator, apikey.RoleFinance}}
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store") // the secret must not stay in any cache
	}
	p.Title, p.Data = "admin.nav.keys", d
	s.render(w, r, status, "admin/keys", p)
}

// adminKeyCreate answers with the secret on the page itself rather than redirecting: a flash
// would keep it in the session store. Reloading the page asks the browser to resubmit, which
// makes a second key, never shows the first again.
func (s *Server) adminKeyCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	_, secret, err := s.adminKeyService().Create(r.Context(), r.PostFormValue("name"), r.PostFormValue("role"))
	if err != nil {
		p := &Page{Form: r.PostForm}
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminKeysPage(w, r, http.StatusUnprocessableEntity, p, "")
		return
	}
	s.adminKeysPage(w, r, http.StatusOK, &Page{}, secret)
}

func (s *Server) adminKeyRevoke(w http.ResponseWriter, r *http.Request) {
	if err := s.adminKeyService().Revoke(r.Context(), pathID(r)); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	s.adminDone(w, r, "/admin/keys", "admin.k.revoked_msg")
}
