package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
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
		body, hash, err := s.spool(w, r)
		if err != nil {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, "body_too_large", "the request body is too large"))
			return
		}
		defer body.Close()
		r.Body = body
		who := sha256.Sum256([]byte(r.Header.Get("Authorization")))
		scope := hex.EncodeToString(who[:8]) + " " + r.Method + " " + r.URL.Path
		stored, err := store.Begin(r.Context(), scope, key, hash)
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

// spool reads the body once to hash it and hands the handler a copy: JSON bodies (at most 1 MiB)
// in memory, uploads (multipart, up to the materials limit) in a temporary file that is removed
// when the request ends.
func (s *Server) spool(w http.ResponseWriter, r *http.Request) (io.ReadCloser, string, error) {
	limit := int64(1 << 20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") && s.Materials != nil {
		limit = s.Materials.MaxUpload() + 1<<20
	}
	h := sha256.New()
	in := io.TeeReader(http.MaxBytesReader(w, r.Body, limit), h)
	if limit <= 1<<20 {
		body, err := io.ReadAll(in)
		if err != nil {
			return nil, "", err
		}
		return io.NopCloser(bytes.NewReader(body)), hex.EncodeToString(h.Sum(nil)), nil
	}
	f, err := os.CreateTemp("", "fenxiao-upload-*")
	if err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, "", err
	}
	hash, err := multipartHash(f, r.Header.Get("Content-Type"))
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, "", err
	}
	return tempBody{f}, hash, nil
}

// multipartHash fingerprints a form by its fields and files, not its bytes: a client that
// retries an upload draws a new random boundary, and that must still count as the same request.
func multipartHash(f *os.File, contentType string) (string, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return "", fmt.Errorf("multipart body without a boundary: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	h := sha256.New()
	mr := multipart.NewReader(f, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", err
		}
		part := sha256.New()
		if _, err := io.Copy(part, p); err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%q %q %x\n", p.FormName(), p.FileName(), part.Sum(nil))
	}
}

type tempBody struct{ *os.File }

func (b tempBody) Close() error {
	err := b.File.Close()
	os.Remove(b.File.Name())
	return err
}
