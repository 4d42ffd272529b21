package material

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Service manages materials: rows in the database, bytes in Store.
type Service struct {
	DB    *db.DB
	Store Storage
	Log   *slog.Logger
	// Limits per kind; zero: MaxImageBytes and MaxVideoBytes.
	ImageBytes, VideoBytes int64
}

// accepted maps a sniffed type to what it becomes. Anything else is refused, SVG included: it
// can carry script and is not sanitised here.
var accepted = map[string]struct {
	kind Kind
	ext  string
}{
	"image/jpeg": {Image, ".jpg"},
	"image/png":  {Image, ".png"},
	"image/webp": {Image, ".webp"},
	"image/gif":  {Image, ".gif"},
	"video/mp4":  {Video, ".mp4"},
	"video/webm": {Video, ".webm"},
}

// sniffBytes is how much of the start of a file decides its type.
const sniffBytes = 3072

var errTooLarge = errors.New("upload over the size limit")

// capReader fails as soon as more than left bytes pass.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

func (s *Service) limit(k Kind) int64 {
	if k == Video {
		if s.VideoBytes > 0 {
			return s.VideoBytes
		}
		return MaxVideoBytes
	}
	if s.ImageBytes > 0 {
		return s.ImageBytes
	}
	return MaxImageBytes
}

// MaxUpload is the largest upload any kind allows, for HTTP body limits.
func (s *Service) MaxUpload() int64 { return max(s.limit(Image), s.limit(Video)) }

// Upload stores a file read from r as an image or video material. The type is sniffed from
// the content; the size limit is enforced while reading. A refused or failed upload leaves no
// file and no row. Callers: operators. Errors: Invalid (empty_file, unsupported_type,
// file_too_large, invalid_file_name, invalid_title, invalid_campaign, product_not_found).
func (s *Service) Upload(ctx context.Context, in FileInput, r io.Reader) (Material, error) {
	name, err := checkName(in.FileName)
	if err != nil {
		return Material{}, err
	}
	m := Material{FileName: name}
	if m.Title, err = checkLine("title", "invalid_title", "title", in.Title, MaxTitleRunes); err != nil {
		return Material{}, err
	}
	if m.Campaign, err = checkLine("campaign", "invalid_campaign", "campaign", in.Campaign, MaxCampaignRune); err != nil {
		return Material{}, err
	}
	if m.ProductID, err = productRef(in.ProductID); err != nil {
		return Material{}, err
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Material{}, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return Material{}, errs.Field("file", "empty_file", "the file is empty (0 bytes)")
	}
	mt := mimetype.Detect(head)
	acc, ok := accepted[mt.String()]
	if !ok {
		return Material{}, errs.Field("file", "unsupported_type",
			"the file's content is %s, whatever its name says; upload a JPEG, PNG, WebP or GIF image or an MP4 or WebM video", describe(mt))
	}
	m.Kind, m.ContentType = acc.kind, mt.String()
	if m.Title == "" {
		m.Title = truncate(strings.TrimSuffix(name, extOf(name)), MaxTitleRunes)
	}
	m.key = newKey(acc.ext)
	hash := sha256.New()
	limit := s.limit(m.Kind)
	body := &capReader{r: io.TeeReader(io.MultiReader(bytes.NewReader(head), r), hash), left: limit}
	size, err := s.Store.Put(ctx, m.key, body)
	if errors.Is(err, errTooLarge) {
		return Material{}, errs.Field("file", "file_too_large", "the file is larger than %s, the limit for %ss", mib(limit), m.Kind)
	}
	if err != nil {
		return Material{}, fmt.Errorf("store upload: %w", err)
	}
	m.SizeBytes, m.SHA256 = size, hex.EncodeToString(hash.Sum(nil))
	out, err := s.insert(ctx, m)
	if err != nil {
		if derr := s.Store.Delete(context.WithoutCancel(ctx), m.key); derr != nil {
			s.log().ErrorContext(ctx, "remove the file of a refused upload", "key", m.key, "err", derr)
		}
		return Material{}, err
	}
	return out, nil
}

// CreateText stores a copy text. Callers: operators. Errors: Invalid.
func (s *Service) CreateText(ctx context.Context, in TextInput) (Material, error) {
	m := Material{Kind: Text}
	var err error
	if m.Body, err = checkText("body", "invalid_body", "copy text", in.Body, MaxBodyRunes, true); err != nil {
		return Material{}, err
	}
	if m.Title, err = checkLine("title", "invalid_title", "title", in.Title, MaxTitleRunes); err != nil {
		return Material{}, err
	}
	if m.Title == "" {
		m.Title = truncate(strings.Join(strings.Fields(m.Body), " "), 20)
	}
	if m.Campaign, err = checkLine("campaign", "invalid_campaign", "campaign", in.Campaign, MaxCampaignRune); err != nil {
		return Material{}, err
	}
	if m.ProductID, err = productRef(in.ProductID); err != nil {
		return Material{}, err
	}
	return s.insert(ctx, m)
}

func productRef(id *int64) (*int64, error) {
	if id == nil || *id == 0 {
		return nil, nil
	}
	if *id < 0 {
		return nil, errs.Field("product_id", "product_not_found", "product %d does not exist", *id)
	}
	v := *id
	return &v, nil
}

func (s *Service) insert(ctx context.Context, m Material) (Material, error) {
	var out Material
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := productExists(ctx, tx, m.ProductID); err != nil {
			return err
		}
		var key, ctype, sum *string
		if m.IsFile() {
			key, ctype, sum = &m.key, &m.ContentType, &m.SHA256
		}
		var err error
		out, err = scan(tx.QueryRowContext(ctx, qInsert, m.Kind, m.Title, m.Body, m.ProductID, m.Campaign, key, ctype,
			m.SizeBytes, sum, m.FileName, tx.Now))
		if err != nil {
			return fmt.Errorf("save material: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "material.create", Entity: "material", EntityID: itoa(out.ID), After: out})
	})
	return out, err
}

func productExists(ctx context.Context, tx *db.Tx, id *int64) error {
	if id == nil {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, qProductSeen, *id).Scan(&n); err != nil {
		return fmt.Errorf("check product: %w", err)
	}
	if n == 0 {
		return errs.Field("product_id", "product_not_found", "product %d does not exist", *id)
	}
	return nil
}

// Get returns one material. Errors: NotFound.
func (s *Service) Get(ctx context.Context, id int64) (Material, error) {
	m, err := scan(s.DB.R.QueryRowContext(ctx, qByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Material{}, errs.E(errs.NotFound, "material_not_found", "material %d does not exist", id)
	}
	return m, err
}

// Open returns m's stored bytes. Errors: NotFound for a text material.
func (s *Service) Open(ctx context.Context, m Material) (File, error) {
	if !m.IsFile() {
		return nil, errs.E(errs.NotFound, "material_has_no_file", "material %d is a copy text, not a file", m.ID)
	}
	return s.Store.Open(ctx, m.key)
}

// List returns materials matching f, newest first. Errors: Invalid.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	switch f.Kind {
	case "", Image, Video, Text:
	default:
		return Page{}, errs.Field("kind", "invalid_kind", "kind must be image, video or text, not %q", f.Kind)
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	if f.PerPage > 100 {
		return Page{}, errs.Field("per_page", "invalid_per_page", "per_page must be at most 100")
	}
	pattern := ""
	if q := strings.TrimSpace(f.Q); q != "" {
		pattern = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	}
	filter := fmt.Sprintf(qFilter, db.ILike(s.DB.Dialect))
	args := []any{string(f.Kind), f.ProductID, strings.TrimSpace(f.Campaign), pattern}
	out := Page{Items: []Material{}, Page: f.Page, PerPage: f.PerPage}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+filter, args...).Scan(&out.Total); err != nil {
		return Page{}, fmt.Errorf("count materials: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+columns+filter+` ORDER BY id DESC LIMIT $5 OFFSET $6`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return Page{}, fmt.Errorf("list materials: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return Page{}, err
		}
		out.Items = append(out.Items, m)
	}
	return out, rows.Err()
}

// Campaigns lists the campaign tags in use, for filters.
func (s *Service) Campaigns(ctx context.Context) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, qCampaigns)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("list campaigns: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Update changes a material's title, tags or (a text's) body. Callers: operators.
// Errors: NotFound, Invalid.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (Material, error) {
	var out Material
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scan(tx.QueryRowContext(ctx, qByID+tx.ForUpdate(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "material_not_found", "material %d does not exist", id)
		}
		if err != nil {
			return err
		}
		after := before
		if p.Title != nil {
			if after.Title, err = checkLine("title", "invalid_title", "title", *p.Title, MaxTitleRunes); err != nil {
				return err
			}
			if after.Title == "" {
				return errs.Field("title", "invalid_title", "the title is empty")
			}
		}
		if p.Body != nil {
			if before.Kind != Text {
				return errs.Field("body", "invalid_body", "only a copy-text material has a body; this one is a %s", before.Kind)
			}
			if after.Body, err = checkText("body", "invalid_body", "copy text", *p.Body, MaxBodyRunes, true); err != nil {
				return err
			}
		}
		if p.Campaign != nil {
			if after.Campaign, err = checkLine("campaign", "invalid_campaign", "campaign", *p.Campaign, MaxCampaignRune); err != nil {
				return err
			}
		}
		if p.ProductID != nil {
			if after.ProductID, err = productRef(p.ProductID); err != nil {
				return err
			}
			if err := productExists(ctx, tx, after.ProductID); err != nil {
				return err
			}
		}
		out, err = scan(tx.QueryRowContext(ctx, qUpdate, id, after.Title, after.Body, after.ProductID, after.Campaign, tx.Now))
		if err != nil {
			return fmt.Errorf("update material %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "material.update", Entity: "material", EntityID: itoa(id), Before: before, After: out})
	})
	return out, err
}

// Delete removes a material and then its file. Callers: operators. Errors: NotFound.
func (s *Service) Delete(ctx context.Context, id int64) error {
	var gone Material
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		gone, err = scan(tx.QueryRowContext(ctx, qByID+tx.ForUpdate(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "material_not_found", "material %d does not exist", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qDelete, id); err != nil {
			return fmt.Errorf("delete material %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "material.delete", Entity: "material", EntityID: itoa(id), Before: gone})
	})
	if err != nil {
		return err
	}
	// The row is gone first: a file left by a failed removal is unreachable, never a row
	// pointing at nothing.
	if gone.IsFile() {
		if err := s.Store.Delete(context.WithoutCancel(ctx), gone.key); err != nil {
			s.log().ErrorContext(ctx, "remove a deleted material's file", "material", id, "key", gone.key, "err", err)
		}
	}
	return nil
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func scan(row interface{ Scan(...any) error }) (Material, error) {
	var m Material
	var key, ctype, sum *string
	err := row.Scan(&m.ID, &m.Kind, &m.Title, &m.Body, &m.ProductID, &m.Campaign, &key, &ctype, &m.SizeBytes, &sum,
		&m.FileName, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Material{}, err
		}
		return Material{}, fmt.Errorf("read material: %w", err)
	}
	if key != nil {
		m.key = *key
	}
	if ctype != nil {
		m.ContentType = *ctype
	}
	if sum != nil {
		m.SHA256 = *sum
	}
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, nil
}

// describe names a refused type for people: "an HTML document (text/html)".
func describe(mt *mimetype.MIME) string {
	switch {
	case mt.Is("image/svg+xml"):
		return "an SVG image (image/svg+xml), which can carry scripts and is not accepted"
	case mt.Is("text/html"):
		return "an HTML document (text/html)"
	case mt.Is("application/x-msdownload") || mt.Is("application/vnd.microsoft.portable-executable"):
		return "a Windows program (" + mt.String() + ")"
	case strings.HasPrefix(mt.String(), "text/"):
		return "text (" + mt.String() + ")"
	}
	return mt.String()
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 && utf8.RuneCountInString(name[i:]) <= 6 {
		return name[i:]
	}
	return ""
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ProductTag is a product some material is tagged with.
type ProductTag struct {
	ID   int64
	Name string
}

// Products lists the products materials are tagged with, by name, for filters.
func (s *Service) Products(ctx context.Context) ([]ProductTag, error) {
	rows, err := s.DB.R.QueryContext(ctx, qProducts)
	if err != nil {
		return nil, fmt.Errorf("list material products: %w", err)
	}
	defer rows.Close()
	var out []ProductTag
	for rows.Next() {
		var p ProductTag
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, fmt.Errorf("list material products: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
