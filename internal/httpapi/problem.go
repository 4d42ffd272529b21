package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// Problem is an RFC 9457 problem document with a stable machine code integrators match on.
type Problem struct {
	Type   string         `json:"type" doc:"a URI naming the problem family"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Code   string         `json:"code" doc:"stable machine-readable code, e.g. duplicate_phone"`
	Detail string         `json:"detail" doc:"what went wrong and what to do, for a person"`
	Errors []ProblemField `json:"errors,omitempty" doc:"the inputs at fault"`
}

// ProblemField locates one bad input.
type ProblemField struct {
	Location string `json:"location" doc:"e.g. body.phone or query.page"`
	Message  string `json:"message"`
	Value    any    `json:"value,omitempty"`
}

func (p *Problem) Error() string  { return p.Detail }
func (p *Problem) GetStatus() int { return p.Status }
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

var statusCodes = map[int]string{
	http.StatusBadRequest:            "malformed_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "body_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusUnprocessableEntity:   "invalid_input",
	http.StatusInternalServerError:   "internal",
}

func newProblem(status int, code, detail string) *Problem {
	if code == "" {
		code = statusCodes[status]
		if code == "" {
			code = strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
		}
	}
	return &Problem{Type: "urn:fenxiao:problem:" + code, Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

func init() {
	// Huma's own errors (malformed JSON, schema violations, oversize bodies) take our shape too.
	huma.NewError = func(status int, msg string, details ...error) huma.StatusError {
		p := newProblem(status, "", humanize(status, msg))
		for _, d := range details {
			if d == nil {
				continue
			}
			var ed *huma.ErrorDetail
			if errors.As(d, &ed) {
				f := ProblemField{Location: ed.Location, Message: ed.Message, Value: ed.Value}
				if _, whole := ed.Value.(map[string]any); whole || f.Location == "body" {
					f.Value = nil // never echo a whole body back
				}
				if status == http.StatusBadRequest && f.Location == "body" {
					p.Detail = "the request body is not valid JSON: " + f.Message
				}
				p.Errors = append(p.Errors, f)
			} else {
				p.Errors = append(p.Errors, ProblemField{Message: d.Error()})
			}
		}
		if status == http.StatusUnprocessableEntity && len(p.Errors) > 0 {
			parts := make([]string, 0, len(p.Errors))
			for _, e := range p.Errors {
				parts = append(parts, strings.TrimSpace(e.Location+": "+e.Message))
			}
			p.Detail = "the request is invalid: " + strings.Join(parts, "; ")
		}
		return p
	}
}

func humanize(status int, msg string) string {
	switch {
	case status == http.StatusRequestEntityTooLarge:
		return "the request body is too large for this endpoint"
	case status == http.StatusUnsupportedMediaType:
		return "send the body as JSON with the header Content-Type: application/json"
	case msg == "":
		return http.StatusText(status)
	}
	return msg
}

var kindStatus = map[errs.Kind]int{
	errs.Invalid:      http.StatusUnprocessableEntity,
	errs.NotFound:     http.StatusNotFound,
	errs.Conflict:     http.StatusConflict,
	errs.Unauthorized: http.StatusUnauthorized,
	errs.Forbidden:    http.StatusForbidden,
}

// fail turns a service error into a problem. Anything that is not a domain error is logged and
// shown as "internal error" so internals never leak.
func fail(ctx context.Context, log *slog.Logger, err error) error {
	var de *errs.Error
	if errors.As(err, &de) && de.Kind != errs.Internal {
		p := newProblem(kindStatus[de.Kind], de.Code, de.Message)
		if de.Field != "" {
			p.Errors = []ProblemField{{Location: "body." + de.Field, Message: de.Message}}
		}
		return p
	}
	if errors.Is(err, context.Canceled) {
		return newProblem(499, "client_closed", "the client went away")
	}
	log.ErrorContext(ctx, "request failed", "err", err)
	return newProblem(http.StatusInternalServerError, "internal", "internal error; the details are in the server log")
}

// writeProblem writes p outside huma (middleware, unknown routes).
func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
