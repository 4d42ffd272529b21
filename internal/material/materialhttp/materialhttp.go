// Package materialhttp carries materials over HTTP for both the JSON API and the console:
// streaming a multipart upload into the material service, and serving a stored file safely.
package materialhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/material"
)

// Serve sends a material's file with the type sniffed at upload, never sniffed again by
// the browser, under a safe name, and sandboxed so that nothing in it can run as this site.
func Serve(w http.ResponseWriter, r *http.Request, m material.Material, f io.ReadSeeker, inline bool) {
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	disp := "attachment"
	if inline {
		disp = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": m.DownloadName()}))
	h.Set("ETag", `"`+m.SHA256+`"`)
	http.ServeContent(w, r, "", m.UpdatedAt, f)
}

// Upload streams the multipart upload of r into svc: the small fields first, then the
// part named "file". The file's name is taken as the client sent it (mime/multipart would cut
// it to its last element) so that the material package can refuse a name with a path in it.
func Upload(ctx context.Context, svc *material.Service, r *http.Request) (material.Material, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return material.Material{}, errs.Field("file", "malformed_request", "the upload is not a readable multipart form: %v", err)
	}
	var in material.FileInput
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return material.Material{}, errs.Field("file", "missing_file", "the form has no file: send it in the field named \"file\"")
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return material.Material{}, err
			}
			return material.Material{}, errs.Field("file", "malformed_request", "the upload is not a readable multipart form: %v", err)
		}
		_, params, perr := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if perr != nil {
			return material.Material{}, errs.Field("file", "invalid_file_name", "the part's Content-Disposition cannot be read (%v); rename the file and upload it again", perr)
		}
		switch params["name"] {
		case "file":
			in.FileName = params["filename"]
			m, err := svc.Upload(ctx, in, part)
			part.Close()
			return m, err
		case "title", "campaign", "product_id", "kind":
			b, err := io.ReadAll(io.LimitReader(part, 4<<10))
			if err != nil {
				return material.Material{}, fmt.Errorf("read form field %s: %w", params["name"], err)
			}
			v := strings.TrimSpace(string(b))
			switch params["name"] {
			case "title":
				in.Title = v
			case "campaign":
				in.Campaign = v
			case "product_id":
				if v != "" {
					id, err := strconv.ParseInt(v, 10, 64)
					if err != nil || id < 0 {
						return material.Material{}, errs.Field("product_id", "invalid_product_id", "product_id must be a product's number, not %q", v)
					}
					in.ProductID = &id
				}
			}
		}
		part.Close()
	}
}
