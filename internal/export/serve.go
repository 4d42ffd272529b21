package export

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"time"
)

// Download is one export ready to run: what a handler builds from a request's filters.
type Download struct {
	// Name is the file name without its extension ("orders", "业绩-2026-03").
	Name  string
	Table Table
	Rows  Rows
	// Total is how many rows are expected, 0 when unknown; a job's page shows a percentage
	// when it is known.
	Total int64
}

// Serve answers r with d as f: the headers (type, attachment file name, no caching — exports
// hold personal data), then the rows, with the request's context. started reports whether any
// byte reached w; while it is false the caller can still answer with an error page. XLSX
// starts only once every row is in; CSV at once.
func Serve(w http.ResponseWriter, r *http.Request, f Format, d Download) (n int64, started bool, err error) {
	lw := &lazyWriter{w: w, f: f, name: d.Name}
	n, err = Write(r.Context(), lw, f, d.Table, d.Rows)
	return n, lw.started, err
}

// lazyWriter sends the download's headers with its first byte.
type lazyWriter struct {
	w       http.ResponseWriter
	f       Format
	name    string
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		setHeaders(l.w.Header(), l.f, l.name)
	}
	return l.w.Write(p)
}

func setHeaders(h http.Header, f Format, name string) {
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": FileName(name, f)}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// FileName is name with the format's extension.
func FileName(name string, f Format) string {
	if name == "" {
		name = "export"
	}
	return name + "." + string(f)
}

// LogProgress returns a Progress callback that logs every 100,000 rows and the end (at debug
// level for a small, quick export), with the rate so far: enough to follow a large export in
// the log without flooding it.
func LogProgress(ctx context.Context, log *slog.Logger, what string) func(int64, bool) {
	start := time.Now()
	return func(n int64, done bool) {
		if !done && n%100_000 != 0 {
			return
		}
		secs := time.Since(start).Seconds()
		level := slog.LevelInfo
		if done && n < 100_000 && secs < 5 {
			level = slog.LevelDebug // a small export is not news
		}
		log.Log(ctx, level, "export progress", "export", what, "rows", n, "done", done, "seconds", int64(secs), "rows_per_second", int64(float64(n)/max(secs, 0.001)))
	}
}
