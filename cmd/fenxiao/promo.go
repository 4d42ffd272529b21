package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/poster"
	"github.com/fenxiao/fenxiao/internal/web"
)

// usePromotion wires posters and materials into the API and the web. Posters and copied texts
// carry the distributor's tracked /r/ links, so their visits count as clicks.
func usePromotion(api *httpapi.Server, site *web.Server, dataDir, mediaDir, font string, fetchRemote bool, baseURL string, log *slog.Logger) error {
	if mediaDir == "" {
		mediaDir = filepath.Join(dataDir, "materials")
	}
	media, err := material.NewDisk(mediaDir)
	if err != nil {
		return err
	}
	api.Materials = &material.Service{DB: api.DB, Store: media, Log: log}
	imgs := poster.Images{UploadsDir: filepath.Join(dataDir, "uploads")}
	if fetchRemote {
		imgs.Remote = poster.RemoteClient(5 * time.Second)
	}
	links := trackedLinks(api.Links)
	api.Posters = poster.New(api.Catalog, api.Network, links, imgs, font, log, 0)
	api.BaseURL = baseURL
	site.UsePromotion(web.Promotion{Posters: api.Posters, Materials: api.Materials, Links: links})
	// Looked for now so that a missing font shows in the log at start, not at the first poster.
	if f, err := api.Posters.Font(); err != nil {
		log.Warn("posters are unavailable until a CJK font is installed", "err", err)
	} else {
		log.Info("poster font", "path", f.Path, "name", f.Name)
	}
	log.Info("materials stored on local disk", "dir", mediaDir)
	return nil
}

// trackedLinks gives posters and copied texts the distributor's /r/ link for the product (or the
// shop, productID 0), made on first use.
func trackedLinks(links *link.Service) poster.LinkFor {
	return func(ctx context.Context, base string, distributorID, productID int64) (string, error) {
		var l link.Link
		var err error
		if productID > 0 {
			l, err = links.ForProduct(ctx, distributorID, productID)
		} else {
			l, err = links.ForShop(ctx, distributorID)
		}
		if err != nil {
			return "", err
		}
		return l.URL(base), nil
	}
}
