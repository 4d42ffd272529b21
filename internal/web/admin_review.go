package web

import (
	"net/http"
	"net/url"
)

// The review queue: pending applications, oldest first, approved or rejected one at a time. A
// rejection needs a reason, which the applicant is shown.

type adminReviewData struct {
	Items    []adminDistributorRow
	Pager    adminPager
	FailedID int64 // the application whose form was refused, to show its message and typed reason
}

func (s *Server) adminReview(w http.ResponseWriter, r *http.Request) {
	if adminWantsExport(r) {
		s.adminDistributorsExport(w, r, adminDistributorFilter{Status: "pending", OrderBy: "d.created_at, d.id"})
		return
	}
	s.adminReviewPage(w, r, http.StatusOK, &Page{}, 0)
}

func (s *Server) adminReviewPage(w http.ResponseWriter, r *http.Request, status int, p *Page, failed int64) {
	page := adminPageParam(r)
	d := adminReviewData{Items: []adminDistributorRow{}, FailedID: failed}
	total, err := s.adminDistributorRows(r.Context(), adminDistributorFilter{Status: "pending", OrderBy: "d.created_at, d.id"},
		adminPerPage, adminOffset(page), true, func(row adminDistributorRow) error {
			d.Items = append(d.Items, row)
			return nil
		})
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d.Pager = newAdminPager(&url.URL{Path: "/admin/review"}, page, total) // also after a refused POST
	p.Title, p.Data = "admin.nav.review", d
	s.render(w, r, status, "admin/review", p)
}

func (s *Server) adminApprove(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	d, err := s.Network.Approve(r.Context(), id)
	if err != nil {
		s.adminReviewRefused(w, r, id, err)
		return
	}
	s.adminDone(w, r, "/admin/review", "admin.review.approved", "Name", d.Name)
}

func (s *Server) adminReject(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	d, err := s.Network.Reject(r.Context(), id, r.PostFormValue("reason"))
	if err != nil {
		s.adminReviewRefused(w, r, id, err)
		return
	}
	s.adminDone(w, r, "/admin/review", "admin.review.rejected", "Name", d.Name)
}

// adminReviewRefused shows the queue again with the message beside the application it is about.
func (s *Server) adminReviewRefused(w http.ResponseWriter, r *http.Request, id int64, err error) {
	p := &Page{Form: r.PostForm}
	// The reason goes by the application's row; anything else at the top, as the row may be gone.
	if !adminFormError(err, p, func(f string) string {
		if f == "reason" {
			return "review"
		}
		return "_"
	}) {
		s.fail(w, r, "admin", err)
		return
	}
	s.adminReviewPage(w, r, http.StatusUnprocessableEntity, p, id)
}
