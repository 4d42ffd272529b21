package web

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every text the console shows has a zh-CN and an en message: the ids written in the admin
// templates and handlers, the ids built from values (statuses, roles…), and the err.<code>
// messages of the codes the console's own parsing returns.
func TestAdminCatalogsComplete(t *testing.T) {
	messages := map[string]map[string]string{} // lang → id → text, every surface's catalogs
	files, _ := fs.Glob(catalogs, "i18n/*.json")
	for _, f := range files {
		b, _ := fs.ReadFile(catalogs, f)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		parts := strings.Split(filepath.Base(f), ".")
		lang := parts[len(parts)-2]
		if messages[lang] == nil {
			messages[lang] = map[string]string{}
		}
		for k, v := range m {
			messages[lang][k] = v
		}
		// The console's own catalogs come in pairs with the same ids.
		if strings.HasPrefix(f, "i18n/admin") && lang == "zh-CN" {
			other, err := fs.ReadFile(catalogs, strings.Replace(f, ".zh-CN.", ".en.", 1))
			if err != nil {
				t.Fatalf("%s has no en twin", f)
			}
			var en map[string]string
			_ = json.Unmarshal(other, &en)
			for k := range m {
				if en[k] == "" {
					t.Errorf("%s lacks %s", strings.Replace(f, ".zh-CN.", ".en.", 1), k)
				}
			}
			for k := range en {
				if m[k] == "" {
					t.Errorf("%s lacks %s", f, k)
				}
			}
		}
	}
	ids := map[string]bool{}
	tmpl, _ := fs.Glob(templateFS, "templates/admin/*.html")
	for _, f := range tmpl {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range regexp.MustCompile(`\.T "([^"]+)"`).FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
	}
	code, _ := filepath.Glob("admin*.go")
	for _, f := range code {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range regexp.MustCompile(`"(admin\.[a-z_.]+[a-z_])"`).FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`errs\.Field\([^,]+, "([a-z_]+)"`).FindAllStringSubmatch(string(b), -1) {
			ids["err."+m[1]] = true
		}
	}
	for _, f := range []string{"admin_money.go"} { // parseYuan's codes are set on fields by callers
		b, _ := os.ReadFile(f)
		for _, m := range regexp.MustCompile(`errs\.Field\("", "([a-z_]+)"`).FindAllStringSubmatch(string(b), -1) {
			ids["err."+m[1]] = true
		}
	}
	// Ids built with printf in the templates, for every value they take.
	for _, set := range []struct {
		prefix string
		values []string
	}{
		{"status.", append(append([]string{}, adminOrderStatuses...), "pending", "approved", "rejected", "frozen", "available", "reversed")},
		{"level.", []string{"1", "2"}},
		{"admin.p.status.", []string{"on_shelf", "off_shelf", "archived", "all"}},
		{"admin.c.role.", []string{"direct", "override"}},
		{"admin.c.", adminCommissionRoles},
		{"admin.role.", []string{"owner", "operator", "finance"}},
		{"admin.s.bind.", []string{"first", "last", "permanent"}},
		{"admin.s.", []string{"freeze_days", "auto_complete_days", "unpaid_timeout_minutes"}},
	} {
		for _, v := range set.values {
			ids[set.prefix+v] = true
		}
	}
	if len(ids) < 200 {
		t.Fatalf("found only %d ids: the scan is broken", len(ids))
	}
	for id := range ids {
		for _, lang := range languages {
			if messages[lang][id] == "" {
				t.Errorf("%s has no %s message", id, lang)
			}
		}
	}
}
