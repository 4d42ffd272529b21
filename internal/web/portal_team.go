package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/network"
)

type portalMember struct {
	network.Distributor
	portalTeamFigures
}

type portalTeamData struct {
	Items []portalMember
	Pager portalPager
}

// portalTeam lists a level 1's level-2 distributors with their paid sales this month and the
// override the level 1 earns from each. The list is always the signed-in level 1's own team.
func (s *Server) portalTeam(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	ctx := r.Context()
	page := portalPage(r)
	team, err := s.Network.Team(ctx, d.ID, page, portalPerPage)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	from, to := portalMonth(s.DB.Now())
	figures, err := s.portalTeamFigures(ctx, d.ID, from, to)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	data := portalTeamData{Pager: portalPagerFor(r, page, team.Total)}
	for _, m := range team.Items {
		data.Items = append(data.Items, portalMember{Distributor: m, portalTeamFigures: figures[m.ID]})
	}
	s.portalRender(w, r, http.StatusOK, "m/team", &Page{Title: "m.team.title", Data: data})
}
