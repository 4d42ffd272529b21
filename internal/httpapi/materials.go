package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/material/materialhttp"
)

type materialOut struct {
	Body material.Material
}

type materialPageOut struct {
	Body material.Page
}

// materialCreateIn takes either a JSON copy text or a multipart file upload. The body is read
// by the handler, streaming, so a 50 MiB video never sits in memory and its size limit applies
// while it arrives.
type materialCreateIn struct {
	r *http.Request
	w http.ResponseWriter
}

func (in *materialCreateIn) Resolve(ctx huma.Context) []error {
	in.r, in.w = humago.Unwrap(ctx)
	// Uploads from phones may be slow; the server's read timeout is for ordinary requests.
	_ = ctx.SetReadDeadline(time.Now().Add(10 * time.Minute))
	return nil
}

type materialListIn struct {
	Kind      string `query:"kind" enum:"image,video,text," doc:"image, video or text; default all"`
	ProductID int64  `query:"product_id" minimum:"0"`
	Campaign  string `query:"campaign" maxLength:"200"`
	Q         string `query:"q" maxLength:"100" doc:"part of the title or the copy text"`
	Page      int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage   int    `query:"per_page" minimum:"0" maximum:"100"`
}

type materialPatchIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body material.Patch
}

type materialFileIn struct {
	ID     int64 `path:"id" minimum:"1"`
	Inline bool  `query:"inline" doc:"show in the browser instead of downloading"`
}

func (s *Server) routeMaterials() {
	write, read := []string{"operator"}, []string{"operator", "finance"}
	create := op(http.MethodPost, "/materials", "create-material", "Upload an image or video, or add a copy text", "materials", write...)
	create.Description = "Send `multipart/form-data` with the fields `title`, `product_id`, `campaign` (optional, before the file) and `file` " +
		"(JPEG, PNG, WebP or GIF up to 10 MiB; MP4 or WebM up to 50 MiB) — the type is sniffed from the content, never taken " +
		"from the name — or JSON `{\"body\": \"copy text\", …}` for a copy text."
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, 413, 415)
	// Described after registering: a RequestBody on the operation would make huma read the body.
	body := &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"multipart/form-data": {Schema: &huma.Schema{Type: "object", Required: []string{"file"}, Properties: map[string]*huma.Schema{
			"file":       {Type: "string", Format: "binary"},
			"title":      {Type: "string"},
			"product_id": {Type: "integer"},
			"campaign":   {Type: "string"},
		}}},
		"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[material.TextInput](), true, "")},
	}}
	huma.Register(s.api, create, func(ctx context.Context, in *materialCreateIn) (*materialOut, error) {
		if s.Materials == nil {
			return nil, newProblem(http.StatusServiceUnavailable, "materials_disabled", "material storage is not configured on this server")
		}
		m, err := s.createMaterial(ctx, in.w, in.r)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, newProblem(http.StatusRequestEntityTooLarge, "body_too_large",
					fmt.Sprintf("the upload is larger than %d MiB", tooBig.Limit>>20))
			}
			return nil, fail(ctx, s.Log, err)
		}
		return &materialOut{Body: m}, nil
	})
	for _, item := range s.api.OpenAPI().Paths {
		if item.Post != nil && item.Post.OperationID == create.OperationID {
			item.Post.RequestBody = body
		}
	}
	huma.Register(s.api, op(http.MethodGet, "/materials", "list-materials", "List marketing materials, newest first", "materials", read...),
		func(ctx context.Context, in *materialListIn) (*materialPageOut, error) {
			if s.Materials == nil {
				return nil, newProblem(http.StatusServiceUnavailable, "materials_disabled", "material storage is not configured on this server")
			}
			p, err := s.Materials.List(ctx, material.Filter{Kind: material.Kind(in.Kind), ProductID: in.ProductID, Campaign: in.Campaign,
				Q: in.Q, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &materialPageOut{Body: p}, nil
		})
	get := op(http.MethodGet, "/materials/{id}", "get-material", "Get a material", "materials", read...)
	get.Errors = append(get.Errors, 404)
	huma.Register(s.api, get, func(ctx context.Context, in *idIn) (*materialOut, error) {
		if s.Materials == nil {
			return nil, newProblem(http.StatusServiceUnavailable, "materials_disabled", "material storage is not configured on this server")
		}
		m, err := s.Materials.Get(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &materialOut{Body: m}, nil
	})
	patch := op(http.MethodPatch, "/materials/{id}", "update-material", "Change a material's title, tags or copy text", "materials", write...)
	patch.Errors = append(patch.Errors, 404)
	huma.Register(s.api, patch, func(ctx context.Context, in *materialPatchIn) (*materialOut, error) {
		if s.Materials == nil {
			return nil, newProblem(http.StatusServiceUnavailable, "materials_disabled", "material storage is not configured on this server")
		}
		m, err := s.Materials.Update(ctx, in.ID, in.Body)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &materialOut{Body: m}, nil
	})
	del := op(http.MethodDelete, "/materials/{id}", "delete-material", "Delete a material and its file", "materials", write...)
	del.DefaultStatus = http.StatusNoContent
	del.Errors = append(del.Errors, 404)
	huma.Register(s.api, del, func(ctx context.Context, in *idIn) (*struct{}, error) {
		if s.Materials == nil {
			return nil, newProblem(http.StatusServiceUnavailable, "materials_disabled", "material storage is not configured on this server")
		}
		if err := s.Materials.Delete(ctx, in.ID); err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return nil, nil
	})
	file := op(http.MethodGet, "/materials/{id}/file", "download-material", "Download a material's file", "materials", read...)
	file.Errors = append(file.Errors, 404)
	file.Responses = map[string]*huma.Response{"200": {Description: "the file, with the type sniffed at upload"}}
	huma.Register(s.api, file, func(ctx context.Context, in *materialFileIn) (*huma.StreamResponse, error) {
		if s.Materials == nil {
			return nil, newProblem(http.StatusServiceUnavailable, "materials_disabled", "material storage is not configured on this server")
		}
		m, err := s.Materials.Get(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		f, err := s.Materials.Open(ctx, m)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &huma.StreamResponse{Body: func(hc huma.Context) {
			defer f.Close()
			r, w := humago.Unwrap(hc)
			materialhttp.Serve(w, r, m, f, in.Inline)
		}}, nil
	})
}

// createMaterial reads a JSON copy text or a multipart upload from r.
func (s *Server) createMaterial(ctx context.Context, w http.ResponseWriter, r *http.Request) (material.Material, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		var in material.TextInput
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		if err := dec.Decode(&in); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return material.Material{}, err
			}
			return material.Material{}, errs.Field("body", "malformed_request", "the request body is not valid JSON: %v", err)
		}
		return s.Materials.CreateText(ctx, in)
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, s.Materials.MaxUpload()+1<<20)
		return materialhttp.Upload(ctx, s.Materials, r)
	}
	return material.Material{}, errs.E(errs.Invalid, "unsupported_media_type",
		"send a file as multipart/form-data (field \"file\") or a copy text as application/json, not %q", mt)
}
