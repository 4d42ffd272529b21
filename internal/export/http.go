package export

import (
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// JobHandlers serve a registry's jobs over HTTP, for pages without JavaScript: a form POSTs to
// a Start handler, which redirects to the job's page; the page refreshes itself (meta refresh)
// and shows a progress bar until the file is ready, then a download link.
//
// Mount them behind the surface's own sign-in and role checks, for example:
//
//	POST /admin/reports/sales/export   h.Start(salesSource)
//	GET  /admin/exports/{id}           h.Page
//	GET  /admin/exports/{id}/status    h.Status     (JSON)
//	GET  /admin/exports/{id}/download  h.Download
//
// with Prefix "/admin/exports". The handlers read the job id from the {id} path value.
type JobHandlers struct {
	Jobs   *Jobs
	Prefix string
	// Owner names who is asking (a staff id); a job is visible only to who started it. ""
	// refuses the request.
	Owner func(r *http.Request) string
	// Labels are the page's texts in the asker's language.
	Labels func(r *http.Request) Labels
	// Render, when set, draws the job page in the surface's own layout instead of the built-in
	// standalone page. It must add the meta refresh while st.State is queued or running.
	Render func(w http.ResponseWriter, r *http.Request, st JobStatus)
	// Fail answers an error; nil writes plain text.
	Fail func(w http.ResponseWriter, r *http.Request, status int, err error)
}

// Labels are the texts of the built-in job page.
type Labels struct {
	Lang, Title, Queued, Running, Done, Failed, TooManyRows, Download, Rows, Back string
	// BackURL is where the Back link goes; "" leaves it out.
	BackURL string
}

// Source builds an export from a request: its filters, columns and file name. It runs on the
// request (a bad filter is its error, answered 400); the Rows it returns run later in the
// background on the context they are given.
type Source func(r *http.Request) (Download, error)

// RefreshSeconds is how often a running job's page reloads itself.
const RefreshSeconds = 2

// Start starts a job from the request's ?format= (xlsx unless csv) and redirects to its page.
func (h *JobHandlers) Start(src Source) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		owner := h.owner(w, r)
		if owner == "" {
			return
		}
		f, ok := ParseFormat(r.FormValue("format"))
		if !ok {
			f = XLSX
		}
		d, err := src(r)
		if err != nil {
			h.fail(w, r, http.StatusBadRequest, err)
			return
		}
		st, err := h.Jobs.Start(owner, f, d)
		if err != nil {
			h.fail(w, r, http.StatusServiceUnavailable, err)
			return
		}
		http.Redirect(w, r, h.url(st.ID, ""), http.StatusSeeOther)
	}
}

// Page shows a job's progress, refreshing itself until it ends.
func (h *JobHandlers) Page(w http.ResponseWriter, r *http.Request) {
	st, ok := h.status(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if h.Render != nil {
		h.Render(w, r, st)
		return
	}
	var l Labels
	if h.Labels != nil {
		l = h.Labels(r)
	}
	data := struct {
		L                Labels
		S                JobStatus
		Refresh          int
		State, Download  string
		Rows             string
		Running, Unknown bool
	}{L: l, S: st, Download: h.url(st.ID, "/download"), Rows: groupDigits(st.Rows)}
	switch st.State {
	case Queued:
		data.State, data.Refresh = l.Queued, RefreshSeconds
	case Running:
		data.State, data.Refresh = l.Running, RefreshSeconds
	case Done:
		data.State = l.Done
	default:
		data.State = l.Failed
		if st.Error == "too_many_rows" {
			data.State = l.TooManyRows
		}
	}
	data.Running = data.Refresh > 0
	data.Unknown = st.Percent < 0
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := jobPage.Execute(w, data); err != nil {
		h.Jobs.cfg.Log.ErrorContext(r.Context(), "export job page", "err", err)
	}
}

// Status answers a job's progress as JSON.
func (h *JobHandlers) Status(w http.ResponseWriter, r *http.Request) {
	st, ok := h.status(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(st)
}

// Download serves a finished job's file.
func (h *JobHandlers) Download(w http.ResponseWriter, r *http.Request) {
	owner := h.owner(w, r)
	if owner == "" {
		return
	}
	f, st, err := h.Jobs.Open(owner, r.PathValue("id"))
	switch {
	case errors.Is(err, ErrNoJob):
		h.fail(w, r, http.StatusNotFound, err)
		return
	case errors.Is(err, ErrNotReady):
		http.Redirect(w, r, h.url(st.ID, ""), http.StatusSeeOther)
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	defer f.Close()
	setHeaders(w.Header(), st.Format, st.File[:len(st.File)-len(st.Format)-1])
	if fi, err := f.Stat(); err == nil {
		w.Header().Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	}
	_, _ = io.Copy(w, f)
}

func (h *JobHandlers) status(w http.ResponseWriter, r *http.Request) (JobStatus, bool) {
	owner := h.owner(w, r)
	if owner == "" {
		return JobStatus{}, false
	}
	st, err := h.Jobs.Status(owner, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return st, false
	}
	return st, true
}

func (h *JobHandlers) owner(w http.ResponseWriter, r *http.Request) string {
	o := ""
	if h.Owner != nil {
		o = h.Owner(r)
	}
	if o == "" {
		h.fail(w, r, http.StatusForbidden, errors.New("sign in to export"))
	}
	return o
}

func (h *JobHandlers) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if h.Fail != nil {
		h.Fail(w, r, status, err)
		return
	}
	http.Error(w, err.Error(), status)
}

func (h *JobHandlers) url(id, suffix string) string {
	return h.Prefix + "/" + url.PathEscape(id) + suffix
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

var jobPage = template.Must(template.New("job").Parse(`<!doctype html>
<html lang="{{.L.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if .Running}}<meta http-equiv="refresh" content="{{.Refresh}}">{{end}}
<title>{{.L.Title}} · {{.S.File}}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1f2933}
main{max-width:32rem;margin:2rem auto}
progress{width:100%;height:1.25rem}
.file{word-break:break-all;color:#52606d}
a.button{display:inline-block;padding:.6rem 1.2rem;background:#0b5cab;color:#fff;border-radius:.3rem;text-decoration:none}
.failed{color:#b42318}
</style></head>
<body><main>
<h1>{{.L.Title}}</h1>
<p class="file">{{.S.File}}</p>
<p{{if eq .S.State "failed"}} class="failed"{{end}} role="status">{{.State}}</p>
{{if .Running}}{{if .Unknown}}<progress aria-label="{{.L.Title}}"></progress>{{else}}<progress max="100" value="{{.S.Percent}}" aria-label="{{.L.Title}}">{{.S.Percent}}%</progress>{{end}}{{end}}
<p>{{.Rows}} {{.L.Rows}}{{if and .Running (not .Unknown)}} · {{.S.Percent}}%{{end}}</p>
{{if eq .S.State "done"}}<p><a class="button" href="{{.Download}}" download>{{.L.Download}}</a></p>{{end}}
{{if .L.BackURL}}<p><a href="{{.L.BackURL}}">{{.L.Back}}</a></p>{{end}}
</main></body></html>
`))
