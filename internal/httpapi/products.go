package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
)

type productOut struct {
	Body catalog.Product
}

type productPageOut struct {
	Body catalog.ProductPage
}

type skuOut struct {
	Body catalog.SKU
}

type lowStockOut struct {
	Body struct {
		Items []catalog.LowStockItem `json:"items"`
	}
}

type productListIn struct {
	Q             string `query:"q" maxLength:"100" doc:"part of a product name or SKU code"`
	Status        string `query:"status" doc:"on_shelf, off_shelf, archived or all; default on_shelf and off_shelf"`
	Distributable string `query:"distributable" doc:"true or false; default both"`
	Page          int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage       int    `query:"per_page" minimum:"0" maximum:"100"`
}

type productPatchIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body catalog.ProductPatch
}

type stockIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		SKUID  int64  `json:"sku_id" minimum:"1" doc:"a SKU of this product"`
		Delta  int64  `json:"delta" doc:"units to add, negative to remove"`
		Reason string `json:"reason" maxLength:"2000" doc:"kept in the stock history, e.g. \"stocktake\""`
	}
}

type deleteOut struct {
	Body struct {
		Deleted  bool   `json:"deleted,omitempty"`
		Archived bool   `json:"archived,omitempty"`
		Reason   string `json:"reason,omitempty" doc:"why it was archived instead of deleted"`
	}
}

func (s *Server) routeProducts() {
	write, read := []string{"operator"}, []string{"operator", "finance"}
	create := op(http.MethodPost, "/products", "create-product", "Create a product with its SKUs", "products", write...)
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, 409)
	huma.Register(s.api, create, func(ctx context.Context, in *struct{ Body catalog.ProductInput }) (*productOut, error) {
		p, err := s.Catalog.Create(ctx, in.Body)
		return s.product(ctx, p, err)
	})
	huma.Register(s.api, op(http.MethodGet, "/products", "list-products", "List and search products, newest first", "products", read...),
		func(ctx context.Context, in *productListIn) (*productPageOut, error) {
			f := catalog.Filter{Q: in.Q, Status: catalog.Status(in.Status), Page: in.Page, PerPage: in.PerPage}
			switch in.Distributable {
			case "":
			case "true", "false":
				d := in.Distributable == "true"
				f.Distributable = &d
			default:
				return nil, fail(ctx, s.Log, errs.Field("distributable", "invalid_distributable", "distributable must be true or false, not %q", in.Distributable))
			}
			p, err := s.Catalog.List(ctx, f)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &productPageOut{Body: p}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/products/low-stock", "list-low-stock", "SKUs sold out or at or below their low-stock threshold", "products", read...),
		func(ctx context.Context, _ *struct{}) (*lowStockOut, error) {
			items, err := s.Catalog.LowStock(ctx)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			out := &lowStockOut{}
			out.Body.Items = items
			return out, nil
		})
	get := op(http.MethodGet, "/products/{id}", "get-product", "Get a product with its SKUs and stock", "products", read...)
	get.Errors = append(get.Errors, 404)
	huma.Register(s.api, get, func(ctx context.Context, in *idIn) (*productOut, error) {
		p, err := s.Catalog.Get(ctx, in.ID)
		return s.product(ctx, p, err)
	})
	patch := op(http.MethodPatch, "/products/{id}", "update-product", "Change a product; add, change or remove SKUs", "products", write...)
	patch.Errors = append(patch.Errors, 404, 409)
	huma.Register(s.api, patch, func(ctx context.Context, in *productPatchIn) (*productOut, error) {
		p, err := s.Catalog.Update(ctx, in.ID, in.Body)
		return s.product(ctx, p, err)
	})
	del := op(http.MethodDelete, "/products/{id}", "delete-product", "Delete a product, or archive it when orders reference it", "products", write...)
	del.Errors = append(del.Errors, 404)
	huma.Register(s.api, del, func(ctx context.Context, in *idIn) (*deleteOut, error) {
		archived, err := s.Catalog.Delete(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		out := &deleteOut{}
		if archived {
			out.Body.Archived, out.Body.Reason = true, catalog.ArchiveReason
		} else {
			out.Body.Deleted = true
		}
		return out, nil
	})
	stock := op(http.MethodPost, "/products/{id}/stock", "adjust-stock", "Add or remove units of a SKU's stock, with a reason", "products", write...)
	stock.Errors = append(stock.Errors, 404, 409)
	huma.Register(s.api, stock, func(ctx context.Context, in *stockIn) (*skuOut, error) {
		// The path names the product: refuse a SKU of another one rather than adjust it silently.
		p, err := s.Catalog.Get(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		found := false
		for _, k := range p.SKUs {
			found = found || k.ID == in.Body.SKUID
		}
		if !found {
			return nil, fail(ctx, s.Log, &errs.Error{Kind: errs.NotFound, Code: "sku_not_found", Field: "sku_id",
				Message: fmt.Sprintf("product %q has no SKU %d", p.Name, in.Body.SKUID)})
		}
		k, err := s.Catalog.AdjustStock(ctx, in.Body.SKUID, in.Body.Delta, in.Body.Reason)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &skuOut{Body: k}, nil
	})
}

func (s *Server) product(ctx context.Context, p catalog.Product, err error) (*productOut, error) {
	if err != nil {
		return nil, fail(ctx, s.Log, err)
	}
	return &productOut{Body: p}, nil
}
