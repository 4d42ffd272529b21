package web

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed i18n/*.json
var catalogs embed.FS

// Languages the pages speak; the first is the default.
var languages = []string{"zh-CN", "en"}

func newBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.MustParse(languages[0]))
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := fs.Glob(catalogs, "i18n/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(catalogs, f); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// lang picks the page language: ?lang= (remembered in a cookie), the cookie, then the browser's.
func lang(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" {
		for _, l := range languages {
			if strings.EqualFold(q, l) {
				http.SetCookie(w, &http.Cookie{Name: "fx_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
				return l
			}
		}
	}
	if c, err := r.Cookie("fx_lang"); err == nil {
		for _, l := range languages {
			if c.Value == l {
				return l
			}
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		base, _ := t.Base()
		if base.String() == "en" {
			return "en"
		}
		if base.String() == "zh" {
			return "zh-CN"
		}
	}
	return languages[0]
}
