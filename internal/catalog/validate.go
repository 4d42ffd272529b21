package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
)

// UnmarshalJSON lets "commission": null in a patch mean "back to the plan" (as {} does) instead
// of "unchanged", which is what a client sending null expects.
func (p *ProductPatch) UnmarshalJSON(b []byte) error {
	type plain ProductPatch
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	if raw, ok := keys["commission"]; ok && p.Commission == nil && bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		p.Commission = &CommissionOverrides{}
	}
	return nil
}

func validName(s string) (string, error) {
	name, err := identity.Name(s, MaxNameRunes)
	var ie *identity.Error
	if errors.As(err, &ie) {
		return "", &errs.Error{Kind: errs.Invalid, Code: "invalid_name", Field: "name", Message: "product " + ie.Message}
	}
	return name, err
}

// text trims s and refuses invalid UTF-8, control characters (PostgreSQL cannot even store NUL)
// and more than max characters. Multiline text may hold newlines and tabs.
func text(field, what, s string, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", errs.Field(field, "invalid_text", "%s is not valid UTF-8 text; retype it", what)
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return "", errs.Field(field, "invalid_text", "%s contains a control character U+%04X at position %d; remove it", what, r, n)
		}
	}
	if n > max {
		return "", errs.Field(field, "text_too_long", "%s is too long: %d characters, at most %d allowed", what, n, max)
	}
	return s, nil
}

// validImages accepts at most MaxImages http(s) URLs or paths of files the merchant uploaded.
func validImages(images []string) ([]string, error) {
	if len(images) > MaxImages {
		return nil, errs.Field("images", "too_many_images", "a product has at most %d images, not %d", MaxImages, len(images))
	}
	out := make([]string, 0, len(images))
	for i, raw := range images {
		field := fmt.Sprintf("images[%d]", i)
		s := strings.TrimSpace(raw)
		if s == "" || utf8.RuneCountInString(s) > MaxImageChars {
			return nil, errs.Field(field, "invalid_image", "image %d must be 1 to %d characters", i+1, MaxImageChars)
		}
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) || !utf8.ValidString(s) {
			return nil, errs.Field(field, "invalid_image", "image %d contains spaces or control characters; URL-encode them", i+1)
		}
		if !imageURL(s) {
			return nil, errs.Field(field, "invalid_image", "image %d must be an http(s) URL or a path starting with /uploads/, not %q", i+1, s)
		}
		out = append(out, s)
	}
	return out, nil
}

func imageURL(s string) bool {
	if rest, ok := strings.CutPrefix(s, "/uploads/"); ok {
		return rest != "" && !strings.Contains(s, "..") && !strings.Contains(s, `\`) && !strings.Contains(rest, "//")
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Host != "" && u.User == nil
}

func validStatus(st Status, field string, allowArchived bool) error {
	switch st {
	case OnShelf, OffShelf:
		return nil
	case Archived:
		if allowArchived {
			return nil
		}
	}
	if allowArchived {
		return errs.Field(field, "invalid_status", "status must be on_shelf, off_shelf or archived, not %q", st)
	}
	return errs.Field(field, "invalid_status", "status must be on_shelf or off_shelf, not %q", st)
}

// validCommission checks each override and the sum a level-2 sale would pay when both of its
// roles are overridden by rates; commission.ProductRules.Validate is the final word.
func validCommission(c *CommissionOverrides) (*CommissionOverrides, error) {
	if c.empty() {
		return nil, nil
	}
	for _, o := range []struct {
		name string
		o    *CommissionOverride
	}{{"l1_direct", c.L1Direct}, {"l2_direct", c.L2Direct}, {"l1_override", c.L1Override}} {
		if o.o == nil {
			continue
		}
		field := "commission." + o.name
		switch {
		case (o.o.RateBP == nil) == (o.o.FixedFen == nil):
			return nil, errs.Field(field, "invalid_commission", "%s: give either rate_bp or fixed_fen, not both or neither", o.name)
		case o.o.RateBP != nil && (*o.o.RateBP < 0 || *o.o.RateBP > commission.MaxBP):
			return nil, errs.Field(field+".rate_bp", "invalid_commission",
				"%s: rate %d bp is outside 0..%d bp (10000 bp = 100%%)", o.name, *o.o.RateBP, commission.MaxBP)
		case o.o.FixedFen != nil && (*o.o.FixedFen < 0 || *o.o.FixedFen > MaxPriceFen):
			return nil, errs.Field(field+".fixed_fen", "invalid_commission",
				"%s: fixed %d fen per unit must be between 0 and %d", o.name, *o.o.FixedFen, int64(MaxPriceFen))
		}
	}
	if d, o := c.L2Direct, c.L1Override; d != nil && o != nil && d.RateBP != nil && o.RateBP != nil && *d.RateBP+*o.RateBP > commission.MaxBP {
		return nil, errs.Field("commission", "invalid_commission",
			"l2_direct %d bp + l1_override %d bp exceed %d bp: a level-2 sale would pay out more than the line", *d.RateBP, *o.RateBP, commission.MaxBP)
	}
	if err := c.rules(true).Validate(); err != nil {
		return nil, &errs.Error{Kind: errs.Invalid, Code: "invalid_commission", Field: "commission", Message: err.Error(), Err: err}
	}
	return c, nil
}

// sku is a validated SKUInput.
type sku struct {
	code      *string
	spec      string
	price     int64
	stock     int64
	threshold int64
}

func validSKU(field string, in SKUInput) (sku, error) {
	var out sku
	var err error
	if out.code, err = validCode(field+".sku_code", in.SKUCode); err != nil {
		return sku{}, err
	}
	if out.spec, err = text(field+".spec", "spec", in.Spec, MaxSpecRunes, false); err != nil {
		return sku{}, err
	}
	if err = validPrice(field+".price_fen", in.PriceFen); err != nil {
		return sku{}, err
	}
	if in.Stock < 0 || in.Stock > MaxStockDelta {
		return sku{}, errs.Field(field+".stock", "invalid_stock", "initial stock must be between 0 and %d, not %d", MaxStockDelta, in.Stock)
	}
	if err = validThreshold(field+".low_stock_threshold", in.LowStockThreshold); err != nil {
		return sku{}, err
	}
	out.price, out.stock, out.threshold = in.PriceFen, in.Stock, in.LowStockThreshold
	return out, nil
}

func validCode(field, s string) (*string, error) {
	c, err := text(field, "SKU code", s, MaxSKUCodeRunes, false)
	if err != nil || c == "" {
		return nil, err
	}
	return &c, nil
}

func validPrice(field string, fen int64) error {
	if fen < 1 || fen > MaxPriceFen {
		return errs.Field(field, "invalid_price", "price must be between 1 fen and %d fen (¥100,000,000.00), not %d", int64(MaxPriceFen), fen)
	}
	return nil
}

func validThreshold(field string, n int64) error {
	if n < 0 || n > MaxStockDelta {
		return errs.Field(field, "invalid_threshold", "low_stock_threshold must be between 0 and %d (0 = only when sold out)", MaxStockDelta)
	}
	return nil
}

func validReason(reason string) (string, error) {
	r, err := text("reason", "reason", reason, MaxReasonRunes, false)
	if err != nil {
		return "", err
	}
	if r == "" {
		return "", errs.Field("reason", "reason_required", "a reason is required for a stock adjustment, e.g. \"stocktake\" or \"damaged in storage\"")
	}
	return r, nil
}

func label(name, spec string) string { return strings.TrimSpace(name + " " + spec) }
