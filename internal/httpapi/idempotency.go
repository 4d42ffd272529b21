package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/idempotency"
)

// idempotent replays the first response to a POST carrying an Idempotency-Key header, scoped to
// the caller's credentials, method and path. A 5xx is not remembered, so a retry runs again.
// Handlers may also read the key (r.Header) to make their own write naturally idempotent.
func (s *Server) idempotent(next http.Handler) http.Handler {
	store := &idempotency.Store{DB: s.DB}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
		if key == "" || r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 200 {
			writeProblem(w, newProblem(http.StatusUnprocessableEntity, "invalid_idempotency_key", "Idempotency-Key must be at most 200 characters"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, "body_too_large", "the request body is too large"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		who := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		scope := hex.EncodeToString(who[:8]) + " " + r.Method + " " + r.URL.Path
		stored, err := store.Begin(r.Context(), scope, key, idempotency.Hash(body))
		if err != nil {
			var de *errs.Error
			if errors.As(err, &de) {
				writeProblem(w, newProblem(http.StatusConflict, de.Code, de.Message))
				return
			}
			s.Log.ErrorContext(r.Context(), "idempotency", "err", err)
			writeProblem(w, newProblem(http.StatusInternalServerError, "internal", "internal error; the details are in the server log"))
			return
		}
		if stored != nil {
			w.Header().Set("Content-Type", contentTypeFor(stored.Status))
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(stored.Status)
			w.Write(stored.Body)
			return
		}
		rec := &bodyRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status >= 500 {
			_ = store.Abandon(r.Context(), scope, key)
			return
		}
		if err := store.Finish(r.Context(), scope, key, rec.status, rec.buf.Bytes()); err != nil {
			s.Log.ErrorContext(r.Context(), "store idempotent response", "err", err)
		}
	})
}

func contentTypeFor(status int) string {
	if status >= 400 {
		return "application/problem+json"
	}
	return "application/json"
}

type bodyRecorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (b *bodyRecorder) WriteHeader(code int) {
	b.status = code
	b.ResponseWriter.WriteHeader(code)
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	b.buf.Write(p)
	return b.ResponseWriter.Write(p)
}
