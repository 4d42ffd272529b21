package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Settings is the merchant's whole configuration; sections join as features land.
type Settings struct {
	Network    settings.Network    `json:"network"`
	Commission settings.Commission `json:"commission"`
	Binding    settings.Binding    `json:"binding"`
	Withdrawal settings.Withdrawal `json:"withdrawal"`
	Settlement settings.Settlement `json:"settlement"`
}

// SettingsPatch replaces the sections it carries and leaves the others alone.
type SettingsPatch struct {
	Network    *settings.Network    `json:"network,omitempty"`
	Commission *settings.Commission `json:"commission,omitempty" doc:"changing a rate creates a new plan version; past orders keep theirs"`
	Binding    *settings.Binding    `json:"binding,omitempty"`
	Withdrawal *settings.Withdrawal `json:"withdrawal,omitempty" doc:"withdrawals already requested keep the fee they were quoted"`
	Settlement *settings.Settlement `json:"settlement,omitempty" doc:"when scheduled settlement runs happen; runs already made stay"`
}

type settingsOut struct{ Body Settings }

type plansOut struct {
	Body struct {
		Items []settings.PlanRow `json:"items"`
	}
}

func (s *Server) loadSettings(ctx context.Context, q db.Querier) (Settings, error) {
	var out Settings
	var err error
	if out.Network, err = settings.LoadNetwork(ctx, q); err != nil {
		return out, err
	}
	if out.Commission, err = settings.LoadCommission(ctx, q); err != nil {
		return out, err
	}
	if out.Binding, err = settings.LoadBinding(ctx, q); err != nil {
		return out, err
	}
	if out.Withdrawal, err = settings.LoadWithdrawal(ctx, q); err != nil {
		return out, err
	}
	out.Settlement, err = settings.LoadSettlement(ctx, q)
	return out, err
}

func (s *Server) routeSettings() {
	huma.Register(s.api, op(http.MethodGet, "/settings", "get-settings", "Read the merchant's settings", "settings"),
		func(ctx context.Context, _ *struct{}) (*settingsOut, error) {
			out, err := s.loadSettings(ctx, s.DB.R)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &settingsOut{Body: out}, nil
		})
	put := op(http.MethodPut, "/settings", "put-settings", "Replace the sections given (owner only)", "settings", "owner")
	huma.Register(s.api, put, func(ctx context.Context, in *struct{ Body SettingsPatch }) (*settingsOut, error) {
		var out Settings
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if p := in.Body.Network; p != nil {
				if err := settings.SaveNetwork(ctx, tx, *p); err != nil {
					return err
				}
			}
			if p := in.Body.Commission; p != nil {
				if _, err := settings.SaveCommission(ctx, tx, *p); err != nil {
					return err
				}
			}
			if p := in.Body.Binding; p != nil {
				if err := settings.SaveBinding(ctx, tx, *p); err != nil {
					return err
				}
			}
			if p := in.Body.Withdrawal; p != nil {
				if err := settings.SaveWithdrawal(ctx, tx, *p); err != nil {
					return err
				}
			}
			if p := in.Body.Settlement; p != nil {
				if err := settings.SaveSettlement(ctx, tx, *p); err != nil {
					return err
				}
			}
			var err error
			out, err = s.loadSettings(ctx, tx)
			return err
		})
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &settingsOut{Body: out}, nil
	})
	huma.Register(s.api, op(http.MethodGet, "/settings/plans", "list-plans", "Commission plan history, newest first", "settings"),
		func(ctx context.Context, _ *struct{}) (*plansOut, error) {
			rows, err := settings.PlanHistory(ctx, s.DB.R)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			out := &plansOut{}
			out.Body.Items = rows
			if out.Body.Items == nil {
				out.Body.Items = []settings.PlanRow{}
			}
			return out, nil
		})
}
