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
	Network settings.Network `json:"network"`
}

type settingsOut struct{ Body Settings }

func (s *Server) routeSettings() {
	huma.Register(s.api, op(http.MethodGet, "/settings", "get-settings", "Read the merchant's settings", "settings"),
		func(ctx context.Context, _ *struct{}) (*settingsOut, error) {
			n, err := settings.LoadNetwork(ctx, s.DB.R)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &settingsOut{Body: Settings{Network: n}}, nil
		})
	put := op(http.MethodPut, "/settings", "put-settings", "Replace the merchant's settings (owner only)", "settings", "owner")
	huma.Register(s.api, put, func(ctx context.Context, in *struct{ Body Settings }) (*settingsOut, error) {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error { return settings.SaveNetwork(ctx, tx, in.Body.Network) })
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &settingsOut{Body: in.Body}, nil
	})
}
