package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/httpapi"
)

var ctx = context.Background()

// testAPI is a running server on a fresh database with an owner key.
type testAPI struct {
	t     *testing.T
	URL   string
	Key   string
	DB    *db.DB
	Clock *clock.Manual
}

func newAPI(t *testing.T) *testAPI {
	t.Helper()
	d, clk := dbtest.Open(t)
	s := httpapi.New(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	_, key, err := (&apikey.Service{DB: d}).Create(context.Background(), "test", apikey.RoleOwner)
	if err != nil {
		t.Fatal(err)
	}
	return &testAPI{t: t, URL: srv.URL, Key: key, DB: d, Clock: clk}
}

// keyFor makes another key with a role.
func (a *testAPI) keyFor(role string) string {
	_, key, err := (&apikey.Service{DB: a.DB}).Create(context.Background(), role, role)
	if err != nil {
		a.t.Fatal(err)
	}
	return key
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// do sends body (a string sent raw, anything else as JSON) with the owner key.
func (a *testAPI) do(method, path string, body any) response {
	return a.doWith(a.Key, method, path, body, nil)
}

func (a *testAPI) doWith(key, method, path string, body any, header map[string]string) response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// problem is what every error response must carry.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// mustProblem checks a problem+json response with the status and code, and a message for people.
func (r response) mustProblem(t *testing.T, status int, code string) problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	var p problem
	r.json(t, &p)
	if p.Status != status || p.Code == "" || p.Detail == "" || p.Title == "" {
		t.Fatalf("incomplete problem: %s", r.Body)
	}
	if code != "" && p.Code != code {
		t.Fatalf("code %q, want %q: %s", p.Code, code, r.Body)
	}
	return p
}
