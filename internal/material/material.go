// Package material holds the merchant's marketing materials (DESIGN.md §8): images, short
// videos and copy texts, tagged by product and campaign, that distributors browse, download and
// share. An upload is judged by its content, never by its name or the type its sender claims;
// its bytes are stored under a generated name, all or nothing.
package material

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// Kind of material.
type Kind string

const (
	Image Kind = "image"
	Video Kind = "video"
	Text  Kind = "text"
)

// Limits a merchant meets in error messages.
const (
	MaxImageBytes   = 10 << 20
	MaxVideoBytes   = 50 << 20
	MaxTitleRunes   = 100
	MaxBodyRunes    = 2000
	MaxCampaignRune = 50
	MaxNameRunes    = 200
)

// Material is one piece of marketing material.
type Material struct {
	ID          int64     `json:"id"`
	Kind        Kind      `json:"kind" enum:"image,video,text"`
	Title       string    `json:"title"`
	Body        string    `json:"body" doc:"the copy text of a text material; empty for files"`
	ProductID   *int64    `json:"product_id" doc:"the product it promotes, if any"`
	Campaign    string    `json:"campaign" doc:"a campaign tag, e.g. 618 or 双十一; empty for none"`
	ContentType string    `json:"content_type,omitempty" doc:"of a file, as sniffed from its content"`
	SizeBytes   int64     `json:"size_bytes"`
	SHA256      string    `json:"sha256,omitempty" doc:"hex SHA-256 of a file's bytes"`
	FileName    string    `json:"file_name,omitempty" doc:"the uploaded file's name, for display only"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`

	key string // where Storage keeps the bytes
}

// IsFile reports whether m has stored bytes.
func (m Material) IsFile() bool { return m.Kind != Text }

// DownloadName is a safe name for m's file: the uploaded name's stem (cleaned) with the
// extension of the type its content has, or material-ID.ext.
func (m Material) DownloadName() string {
	ext := path.Ext(m.key)
	stem := strings.TrimSuffix(m.FileName, path.Ext(m.FileName))
	stem = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\"'<>:*?|;`, r) {
			return '_'
		}
		return r
	}, stem)
	stem = strings.Trim(stem, " .")
	if stem == "" {
		return "material-" + itoa(m.ID) + ext
	}
	return stem + ext
}

// FileInput describes an upload; the bytes come separately.
type FileInput struct {
	Title     string `json:"title"`
	ProductID *int64 `json:"product_id"`
	Campaign  string `json:"campaign"`
	FileName  string `json:"file_name" doc:"the client's name for the file: checked, kept for display only"`
}

// TextInput creates a copy-text material.
type TextInput struct {
	Title     string `json:"title,omitempty" maxLength:"400" doc:"up to 100 characters; default the start of the body"`
	Body      string `json:"body" minLength:"1" maxLength:"8000" doc:"the copy text, up to 2000 characters"`
	ProductID *int64 `json:"product_id,omitempty" minimum:"1"`
	Campaign  string `json:"campaign,omitempty" maxLength:"200" doc:"up to 50 characters"`
}

// Patch changes a material; nil fields stay. ProductID 0 removes the product tag and an empty
// campaign the campaign tag. Body applies to text materials only.
type Patch struct {
	Title     *string `json:"title,omitempty" maxLength:"400"`
	Body      *string `json:"body,omitempty" maxLength:"8000"`
	ProductID *int64  `json:"product_id,omitempty" minimum:"0" doc:"0 removes the product tag"`
	Campaign  *string `json:"campaign,omitempty" maxLength:"200" doc:"empty removes the campaign tag"`
}

// Filter narrows List; zero values mean any.
type Filter struct {
	Kind      Kind
	ProductID int64
	Campaign  string
	Q         string // part of the title or body
	Page      int
	PerPage   int // 1..100, default 20
}

// Page is one page of materials, newest first.
type Page struct {
	Items   []Material `json:"items"`
	Page    int        `json:"page"`
	PerPage int        `json:"per_page"`
	Total   int        `json:"total"`
}

// checkName refuses a client file name that tries anything but naming a file: a path (either
// slash), a parent reference, control characters (NUL), bad UTF-8, excessive length. The name
// never reaches the disk; it is refused so that the merchant learns the file was odd.
func checkName(name string) (string, error) {
	field := "file"
	switch {
	case name == "":
		return "", nil
	case !utf8.ValidString(name):
		return "", errs.Field(field, "invalid_file_name", "the file name is not valid UTF-8; rename the file and upload it again")
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", errs.Field(field, "invalid_file_name", "the file name contains control characters (such as NUL); rename the file and upload it again")
	case strings.ContainsAny(name, `/\`):
		return "", errs.Field(field, "invalid_file_name", "the file name %q contains a path; send the file's own name only", truncate(name, 60))
	case name == "." || name == ".." || strings.HasPrefix(name, ".."):
		return "", errs.Field(field, "invalid_file_name", "the file name %q refers to a directory; rename the file", name)
	case utf8.RuneCountInString(name) > MaxNameRunes:
		return "", errs.Field(field, "invalid_file_name", "the file name is %d characters long; at most %d", utf8.RuneCountInString(name), MaxNameRunes)
	}
	return strings.TrimSpace(name), nil
}

func checkText(field, code, what, s string, maxRunes int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		return "", errs.Field(field, code, "the %s is not valid UTF-8", what)
	case required && n == 0:
		return "", errs.Field(field, code, "the %s is empty", what)
	case n > maxRunes:
		return "", errs.Field(field, code, "the %s is %d characters long; at most %d", what, n, maxRunes)
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return "", errs.Field(field, code, "the %s contains control characters", what)
	}
	return s, nil
}

func checkLine(field, code, what, s string, maxRunes int) (string, error) {
	s, err := checkText(field, code, what, s, maxRunes, false)
	if err == nil && strings.ContainsAny(s, "\r\n\t") {
		err = errs.Field(field, code, "the %s must be one line", what)
	}
	return s, err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Size is the file's size for people: 512 B, 12.3 KiB, 4.5 MiB.
func (m Material) Size() string {
	switch n := m.SizeBytes; {
	case n < 1<<10:
		return itoa(n) + " B"
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}
