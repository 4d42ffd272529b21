package web

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Every message id the portal uses is in its zh-CN catalogs, and the en catalogs have the same ids.
func TestPortalCatalogs(t *testing.T) {
	ids := map[string]map[string]bool{}
	files, _ := fs.Glob(catalogs, "i18n/portal*.json")
	for _, f := range files {
		b, _ := fs.ReadFile(catalogs, f)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		lang := strings.TrimSuffix(f[strings.IndexByte(f, '.')+1:], ".json")
		if ids[lang] == nil {
			ids[lang] = map[string]bool{}
		}
		for id := range m {
			ids[lang][id] = true
		}
	}
	for id := range ids["zh-CN"] {
		if !ids["en"][id] {
			t.Errorf("%s: in zh-CN, missing in en", id)
		}
	}
	for id := range ids["en"] {
		if !ids["zh-CN"][id] {
			t.Errorf("%s: in en, missing in zh-CN", id)
		}
	}
	used := map[string]bool{}
	pages, _ := fs.Glob(templateFS, "templates/m/*.html")
	re := regexp.MustCompile(`"(m\.[a-z_.]*[a-z_])"`)
	for _, p := range pages {
		b, _ := fs.ReadFile(templateFS, p)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	var missing []string
	for id := range used {
		if !ids["zh-CN"][id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("templates use ids missing from the catalogs: %v", missing)
	}
}

func TestPortalEnglish(t *testing.T) {
	e := newPortalEnv(t)
	b := e.browser()
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/m/login", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	b.do(req).want(t, http.StatusOK, "").has(t, "Distributor sign-in", "Mobile number").lacks(t, "m.login")
}
