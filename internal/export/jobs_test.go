package export

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A job's life over HTTP: started by a POST, queued behind another while one slot is busy,
// running with its progress, done with a download, hidden from other staff, gone once kept
// long enough.
func TestJobsHTTP(t *testing.T) {
	dir := t.TempDir()
	jobs := NewJobs(JobsConfig{Dir: dir, Concurrency: 1, Keep: time.Second, Log: quiet})
	defer jobs.Close()
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	defer open()
	reached := make(chan struct{}, 1)
	slow := Download{Name: "订单", Total: 2 * ProgressEvery, Table: Table{Columns: []Column{{Header: "金额", Kind: Money}}},
		Rows: func(ctx context.Context, emit func([]any) error) error {
			for i := range 2 * ProgressEvery {
				if i == ProgressEvery+1 {
					reached <- struct{}{}
					<-release
				}
				if err := emit([]any{int64(i)}); err != nil {
					return err
				}
			}
			return nil
		}}
	h := &JobHandlers{Jobs: jobs, Prefix: "/exports", Owner: func(r *http.Request) string { return r.Header.Get("X-Staff") },
		Labels: func(*http.Request) Labels {
			return Labels{Lang: "zh-CN", Title: "导出", Queued: "排队中", Running: "正在导出", Done: "已完成", Download: "下载", Rows: "行"}
		}}
	mux := http.NewServeMux()
	mux.Handle("POST /start", h.Start(func(r *http.Request) (Download, error) {
		if r.FormValue("bad") != "" {
			return Download{}, errors.New("bad filter")
		}
		return slow, nil
	}))
	mux.HandleFunc("GET /exports/{id}", h.Page)
	mux.HandleFunc("GET /exports/{id}/status", h.Status)
	mux.HandleFunc("GET /exports/{id}/download", h.Download)
	do := func(method, path, staff string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if staff != "" {
			req.Header.Set("X-Staff", staff)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	status := func(loc, staff string) JobStatus {
		rec := do("GET", loc+"/status", staff)
		var st JobStatus
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &st) != nil {
			t.Fatalf("status %d %s", rec.Code, rec.Body)
		}
		return st
	}

	if rec := do("POST", "/start?format=xlsx", ""); rec.Code != http.StatusForbidden {
		t.Fatalf("anonymous start: %d", rec.Code)
	}
	if rec := do("POST", "/start?bad=1", "7"); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad filter: %d", rec.Code)
	}
	first := do("POST", "/start?format=xlsx", "7").Header().Get("Location")
	<-reached // the first has written 10,000 rows and waits; the second waits for the slot
	second := do("POST", "/start?format=csv", "7").Header().Get("Location")
	if !strings.HasPrefix(first, "/exports/") || !strings.HasPrefix(second, "/exports/") || first == second {
		t.Fatalf("redirects %q %q", first, second)
	}
	if st := status(first, "7"); st.State != Running || st.Rows != ProgressEvery || st.Percent != 50 || st.File != "订单.xlsx" {
		t.Fatalf("first %+v", st)
	}
	if st := status(second, "7"); st.State != Queued || st.Format != CSV {
		t.Fatalf("second %+v", st)
	}
	page := do("GET", first, "7").Body.String()
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, `<progress max="100" value="50"`, "10,000 行", "正在导出", "订单.xlsx"} {
		if !strings.Contains(page, want) {
			t.Fatalf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "download") {
		t.Fatal("a running job offers its file")
	}
	if rec := do("GET", first+"/download", "7"); rec.Code != http.StatusSeeOther {
		t.Fatalf("early download: %d", rec.Code)
	}
	for _, staff := range []string{"8", ""} { // someone else's job does not exist for them
		if rec := do("GET", first+"/status", staff); rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
			t.Fatalf("staff %q sees the job: %d", staff, rec.Code)
		}
		if rec := do("GET", first+"/download", staff); rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
			t.Fatalf("staff %q downloads the job: %d", staff, rec.Code)
		}
	}

	open() // the second job runs the source again; release is closed for it too
	waitFor(t, func() bool { return status(first, "7").State == Done && status(second, "7").State == Done })
	if st := status(first, "7"); st.Rows != 2*ProgressEvery || st.Percent != 100 {
		t.Fatalf("done %+v", st)
	}
	page = do("GET", first, "7").Body.String()
	if strings.Contains(page, "refresh") || !strings.Contains(page, `href="/exports/`) || !strings.Contains(page, "已完成") {
		t.Fatalf("finished page:\n%s", page)
	}
	rec := do("GET", first+"/download", "7")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != XLSX.ContentType() ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "filename*=utf-8''%E8%AE%A2%E5%8D%95.xlsx") {
		t.Fatalf("download %d %v", rec.Code, rec.Header())
	}
	if csvBody := do("GET", second+"/download", "7").Body.String(); !strings.HasPrefix(csvBody, bom+"金额\n0.00\n0.01\n") {
		t.Fatalf("csv %q", csvBody[:40])
	}
	f := openXLSX(t, rec.Body.Bytes())
	if rows, _ := f.GetRows("Sheet1"); len(rows) != 2*ProgressEvery+1 {
		t.Fatalf("%d rows in the file", len(rows))
	}

	// Kept for Keep, then the job and its file are gone.
	waitFor(t, func() bool {
		return do("GET", first+"/status", "7").Code == http.StatusNotFound && do("GET", second+"/status", "7").Code == http.StatusNotFound
	})
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("files left behind: %v", files)
	}
}

// Close stops a running export and leaves no file.
func TestJobsClose(t *testing.T) {
	dir := t.TempDir()
	jobs := NewJobs(JobsConfig{Dir: dir, MaxJobs: 1, Log: quiet})
	endless := Download{Table: Table{Columns: []Column{{Header: "n", Kind: Int}}}, Rows: func(ctx context.Context, emit func([]any) error) error {
		for {
			if err := emit([]any{1}); err != nil {
				return err
			}
		}
	}}
	st, err := jobs.Start("7", CSV, endless)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Start("7", CSV, endless); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second job over MaxJobs: %v", err)
	}
	waitFor(t, func() bool { s, _ := jobs.Status("7", st.ID); return s.Rows > 0 })
	jobs.Close()
	if _, err := jobs.Status("7", st.ID); !errors.Is(err, ErrNoJob) {
		t.Fatalf("after close: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}
	if _, err := jobs.Start("7", CSV, endless); !errors.Is(err, ErrJobsClosed) {
		t.Fatalf("start after close: %v", err)
	}
}

var quiet = slog.New(slog.DiscardHandler)

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out")
}
