package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every message the shop's templates and handlers name exists in both languages.
func TestShopCatalogsComplete(t *testing.T) {
	ids := map[string]bool{}
	idRE := regexp.MustCompile(`(?:\.T|shopT\(w, r,) "([a-z][a-z0-9_.]+)"`)
	files, _ := filepath.Glob("templates/s/*.html")
	more, _ := filepath.Glob("shop*.go")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range idRE.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
	}
	if len(ids) < 40 {
		t.Fatalf("found only %d message ids; is the pattern right?", len(ids))
	}
	for _, lang := range []string{"zh-CN", "en"} {
		have := map[string]string{}
		for _, f := range []string{"shop", "shared"} {
			b, err := os.ReadFile("i18n/" + f + "." + lang + ".json")
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s.%s.json: %v", f, lang, err)
			}
			for k, v := range m {
				have[k] = v
			}
		}
		for id := range ids {
			if have[id] == "" {
				t.Errorf("%s lacks %s", lang, id)
			}
		}
	}
}
