package commission

import (
	"errors"
	"testing"
)

func TestPlanValidate(t *testing.T) {
	tests := []struct {
		name    string
		plan    Plan
		wantErr bool
	}{
		{"worked example", Plan{Version: 1, L1DirectBP: 1000, L2DirectBP: 800, L1OverrideBP: 300}, false},
		{"all zero", Plan{}, false},
		{"level 1 takes everything", Plan{L1DirectBP: 10000, L2DirectBP: 10000}, false},
		{"level-2 rates sum to exactly 100%", Plan{L2DirectBP: 5000, L1OverrideBP: 5000}, false},
		{"l1_direct above 100%", Plan{L1DirectBP: 10001}, true},
		{"negative l2_direct", Plan{L2DirectBP: -1}, true},
		{"negative l1_override", Plan{L1OverrideBP: -1}, true},
		{"level-2 rates sum above 100%", Plan{L2DirectBP: 5001, L1OverrideBP: 5000}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.plan.Validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestProductRulesValidate(t *testing.T) {
	plan := Plan{L1DirectBP: 1000, L2DirectBP: 800, L1OverrideBP: 300}
	tests := []struct {
		name       string
		rules      ProductRules
		wantErr    bool // from Validate
		wantErrFor bool // from ValidateFor(plan)
	}{
		{"no overrides", ProductRules{}, false, false},
		{"excluded", ProductRules{Excluded: true}, false, false},
		{"rate override", ProductRules{L1Direct: &Rule{BP: 2500}}, false, false},
		{"fixed override", ProductRules{L2Direct: &Rule{FixedFenPerUnit: 500}}, false, false},
		{"fixed zero", ProductRules{L1Override: &Rule{Fixed: true}}, false, false},
		{"rate above 100%", ProductRules{L1Direct: &Rule{BP: 10001}}, true, true},
		{"negative rate", ProductRules{L2Direct: &Rule{BP: -5}}, true, true},
		{"negative fixed", ProductRules{L1Override: &Rule{Fixed: true, FixedFenPerUnit: -1}}, true, true},
		{"both rates sum above 100%", ProductRules{L2Direct: &Rule{BP: 9000}, L1Override: &Rule{BP: 1001}}, true, true},
		{"both rates sum to 100%", ProductRules{L2Direct: &Rule{BP: 9000}, L1Override: &Rule{BP: 1000}}, false, false},
		{"fixed and rate are not summed", ProductRules{L2Direct: &Rule{FixedFenPerUnit: 99999}, L1Override: &Rule{BP: 10000}}, false, false},
		// 9800 bp override + plan's 300 bp = 10100 bp: only visible against the plan.
		{"override plus plan rate above 100%", ProductRules{L2Direct: &Rule{BP: 9800}}, false, true},
		// plan's 800 bp + 9201 bp = 10001 bp.
		{"plan rate plus override above 100%", ProductRules{L1Override: &Rule{BP: 9201}}, false, true},
		// plan's 800 bp + 9200 bp = 10000 bp.
		{"plan rate plus override at 100%", ProductRules{L1Override: &Rule{BP: 9200}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rules.Validate()
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Fatalf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
			err = tt.rules.ValidateFor(plan)
			if (err != nil) != tt.wantErrFor || (err != nil && !errors.Is(err, ErrInvalid)) {
				t.Fatalf("ValidateFor() = %v, wantErr %v", err, tt.wantErrFor)
			}
		})
	}
}
