package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fenxiao/fenxiao/internal/network"
)

// counts is the state a refused request must leave untouched.
func (a *testAPI) counts() string {
	var d, l int
	a.DB.R.QueryRow(`SELECT count(*) FROM distributors`).Scan(&d)
	a.DB.R.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&l)
	return fmt.Sprintf("distributors=%d audit=%d", d, l)
}

func TestApplyBadInputChangesNothing(t *testing.T) {
	a := newAPI(t)
	if r := a.do("POST", "/api/v1/distributors", map[string]any{"name": "已有", "phone": "13800000000", "id_card": "11010519491231002X"}); r.Status != 201 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		field  string
	}{
		{"malformed json", `{"name": "x", "phone": `, 400, "malformed_request", ""},
		{"not an object", `[1,2,3]`, 422, "invalid_input", ""},
		{"huge body", `{"name":"` + strings.Repeat("x", 100<<10) + `","phone":"13800000001"}`, 413, "body_too_large", ""},
		{"unknown field", `{"name":"x","phone":"13800000001","level":1}`, 422, "invalid_input", "body.level"},
		{"wrong type", `{"name":123,"phone":"13800000001"}`, 422, "invalid_input", "body.name"},
		{"missing phone", `{"name":"x"}`, 422, "invalid_input", "body"},
		{"short phone", map[string]string{"name": "x", "phone": "1380000"}, 422, "phone_length", "body.phone"},
		{"landline", map[string]string{"name": "x", "phone": "01012345678"}, 422, "", "body.phone"},
		{"sql in phone", map[string]string{"name": "x", "phone": "1380000000'; DROP TABLE distributors;--"}, 422, "", "body.phone"},
		{"id card checksum", map[string]string{"name": "x", "phone": "13800000001", "id_card": "110105194912310021"}, 422, "id_card_checksum", "body.id_card"},
		{"id card 15 digits", map[string]string{"name": "x", "phone": "13800000001", "id_card": "110105491231002"}, 422, "", "body.id_card"},
		{"very long name", map[string]string{"name": strings.Repeat("长", 65), "phone": "13800000001"}, 422, "name_too_long", "body.name"},
		{"blank name", map[string]string{"name": "   ", "phone": "13800000001"}, 422, "", "body.name"},
		{"control char name", map[string]string{"name": "a\u0000b", "phone": "13800000001"}, 422, "", "body.name"},
		{"unknown invite", map[string]string{"name": "x", "phone": "13800000001", "invite_code": "NOPE42"}, 422, "invite_not_found", "body.invite_code"},
		{"duplicate phone", map[string]string{"name": "x", "phone": "138 0000 0000"}, 409, "duplicate_phone", "body.phone"},
		{"duplicate id card", map[string]string{"name": "x", "phone": "13800000001", "id_card": "11010519491231002x"}, 409, "duplicate_id_card", "body.id_card"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := a.counts()
			p := a.do("POST", "/api/v1/distributors", c.body).mustProblem(t, c.status, c.code)
			if c.field != "" {
				found := false
				for _, e := range p.Errors {
					found = found || strings.HasPrefix(e.Location, c.field)
				}
				if !found {
					t.Errorf("no error located at %s: %+v", c.field, p)
				}
			}
			if after := a.counts(); after != before {
				t.Errorf("state changed: %s → %s", before, after)
			}
		})
	}
}

func TestApplyAcceptsEmojiAndSQLAsText(t *testing.T) {
	a := newAPI(t)
	for i, name := range []string{"小美 🌸", "Robert'); DROP TABLE distributors;--", "<script>alert(1)</script>"} {
		r := a.do("POST", "/api/v1/distributors", map[string]string{"name": name, "phone": fmt.Sprintf("1390000000%d", i)})
		if r.Status != 201 {
			t.Fatalf("%q: %d %s", name, r.Status, r.Body)
		}
		var d network.Distributor
		r.json(t, &d)
		if d.Name != name {
			t.Fatalf("name stored as %q, want %q", d.Name, name)
		}
	}
	var n int
	a.DB.R.QueryRow(`SELECT count(*) FROM distributors`).Scan(&n)
	if n != 3 {
		t.Fatalf("distributors = %d", n)
	}
}

func TestNetworkThroughAPI(t *testing.T) {
	a := newAPI(t)
	var alice, bob network.Distributor
	r := a.do("POST", "/api/v1/distributors", map[string]string{"name": "Alice", "phone": "13900000001"})
	r.json(t, &alice)
	if r.Status != 201 || alice.Code == "" || alice.Status != "pending" || alice.Level != 1 || alice.CreatedAt.IsZero() {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/approve", alice.ID), nil).json(t, &alice)
	if alice.InviteCode == nil {
		t.Fatalf("no invite code after approval: %+v", alice)
	}
	r = a.do("POST", "/api/v1/distributors", map[string]string{"name": "Bob", "phone": "13900000002", "invite_code": *alice.InviteCode})
	r.json(t, &bob)
	if bob.Level != 2 || *bob.ParentID != alice.ID {
		t.Fatalf("bob: %s", r.Body)
	}
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/approve", bob.ID), nil)

	// A level-2's code cannot recruit.
	a.do("POST", "/api/v1/distributors", map[string]string{"name": "Carl", "phone": "13900000003", "invite_code": bob.Code}).
		mustProblem(t, 422, "invite_from_level2")

	var team network.Page
	a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/team", alice.ID), nil).json(t, &team)
	if team.Total != 1 || team.Items[0].ID != bob.ID {
		t.Fatalf("team: %+v", team)
	}
	a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/team", bob.ID), nil).mustProblem(t, 409, "no_team")

	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/freeze", alice.ID), map[string]string{}).mustProblem(t, 422, "invalid_input")
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/freeze", alice.ID), map[string]string{"reason": " "}).mustProblem(t, 422, "reason_required")
	r = a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/freeze", alice.ID), map[string]string{"reason": "核查"})
	if r.Status != 200 {
		t.Fatalf("freeze: %s", r.Body)
	}
	a.do("POST", "/api/v1/distributors", map[string]string{"name": "Dan", "phone": "13900000004", "invite_code": *alice.InviteCode}).
		mustProblem(t, 422, "inviter_inactive")
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/unfreeze", alice.ID), nil)

	// Promote Bob: he leaves Alice's team and gets an invite code.
	var promoted network.Distributor
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/move", bob.ID), map[string]any{"parent_id": nil, "reason": "升级"}).json(t, &promoted)
	if promoted.Level != 1 || promoted.ParentID != nil || promoted.InviteCode == nil {
		t.Fatalf("promote: %+v", promoted)
	}
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/move", alice.ID), map[string]any{"parent_id": alice.ID}).mustProblem(t, 422, "invalid_parent")

	var list network.Page
	a.do("GET", "/api/v1/distributors?level=1&status=approved&q=b", nil).json(t, &list)
	if list.Total != 1 || list.Items[0].ID != bob.ID {
		t.Fatalf("list: %+v", list)
	}
	a.do("GET", "/api/v1/distributors?level=abc", nil).mustProblem(t, 422, "invalid_input")
	a.do("GET", "/api/v1/distributors?per_page=1000", nil).mustProblem(t, 422, "invalid_input")
	a.do("GET", "/api/v1/distributors/999", nil).mustProblem(t, 404, "distributor_not_found")
	a.do("GET", "/api/v1/distributors/abc", nil).mustProblem(t, 422, "invalid_input")

	var audit struct {
		Items []struct{ Action string } `json:"items"`
		Total int                       `json:"total"`
	}
	a.do("GET", "/api/v1/audit?entity=distributor", nil).json(t, &audit)
	if audit.Total < 7 || audit.Items[0].Action != "distributor.move" {
		t.Fatalf("audit: %+v", audit)
	}
}

func TestAuthAndRoles(t *testing.T) {
	a := newAPI(t)
	a.doWith("", "GET", "/api/v1/distributors", nil, nil).mustProblem(t, 401, "unauthorized")
	a.doWith("fx_not_a_key", "GET", "/api/v1/distributors", nil, nil).mustProblem(t, 401, "unauthorized")
	fin := a.keyFor("finance")
	a.doWith(fin, "GET", "/api/v1/distributors", nil, nil).mustProblem(t, 403, "forbidden")
	op := a.keyFor("operator")
	if r := a.doWith(op, "GET", "/api/v1/distributors", nil, nil); r.Status != 200 {
		t.Fatalf("operator list: %d", r.Status)
	}
	a.doWith(op, "PUT", "/api/v1/settings", map[string]any{"network": map[string]any{"review_mode": "auto", "level1_can_invite": true, "level1_sees_team_orders": true}}, nil).
		mustProblem(t, 403, "forbidden")
	// The OpenAPI document is public and describes the API as 3.1.
	r := a.doWith("", "GET", "/api/v1/openapi.json", nil, nil)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	r.json(t, &doc)
	if r.Status != 200 || !strings.HasPrefix(doc.OpenAPI, "3.1") || doc.Paths["/distributors/{id}/approve"] == nil {
		t.Fatalf("openapi: %d %s %d paths", r.Status, doc.OpenAPI, len(doc.Paths))
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	a := newAPI(t)
	var s struct {
		Network struct {
			ReviewMode string `json:"review_mode"`
		} `json:"network"`
	}
	a.do("GET", "/api/v1/settings", nil).json(t, &s)
	if s.Network.ReviewMode != "manual" {
		t.Fatalf("default review mode %q", s.Network.ReviewMode)
	}
	a.do("PUT", "/api/v1/settings", map[string]any{"network": map[string]any{"review_mode": "sometimes", "level1_can_invite": true, "level1_sees_team_orders": true}}).
		mustProblem(t, 422, "")
	r := a.do("PUT", "/api/v1/settings", map[string]any{"network": map[string]any{"review_mode": "auto", "level1_can_invite": true, "level1_sees_team_orders": false, "spend_threshold_fen": 0}})
	if r.Status != 200 {
		t.Fatalf("put: %s", r.Body)
	}
	var d network.Distributor
	a.do("POST", "/api/v1/distributors", map[string]string{"name": "Auto", "phone": "13900000009"}).json(t, &d)
	if d.Status != network.Approved {
		t.Fatalf("auto approval not applied: %+v", d)
	}
}

func TestConcurrentApplyThroughAPI(t *testing.T) {
	a := newAPI(t)
	var wg sync.WaitGroup
	statuses := make(chan int, 30)
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- a.do("POST", "/api/v1/distributors", map[string]string{"name": fmt.Sprint("n", i), "phone": "13600000000"}).Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != 1 || count[http.StatusConflict] != 29 {
		t.Fatalf("statuses %v; want one 201 and 29 409", count)
	}
}
