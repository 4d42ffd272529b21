package web

import "net/http"

// routeAdmin is the console's route table: every page of /admin in one place, with its roles.
// The owner passes every check; operator runs products, orders and distributors; finance reads
// products and orders. Every list answers ?format=csv with the whole filtered list.
func (s *Server) routeAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/setup", s.adminSetup)
	mux.HandleFunc("POST /admin/setup", s.adminSetup)
	mux.HandleFunc("GET /admin/login", s.adminLogin)
	mux.HandleFunc("POST /admin/login", s.adminLogin)
	mux.HandleFunc("POST /admin/logout", s.adminLogout)
	mux.HandleFunc("GET /admin/{$}", s.staff(adminAnyStaff, s.adminDashboard))

	mux.HandleFunc("GET /admin/review", s.staff(adminOperators, s.adminReview))
	mux.HandleFunc("POST /admin/review/{id}/approve", s.staff(adminOperators, s.adminApprove))
	mux.HandleFunc("POST /admin/review/{id}/reject", s.staff(adminOperators, s.adminReject))

	mux.HandleFunc("GET /admin/distributors", s.staff(adminOperators, s.adminDistributors))
	mux.HandleFunc("GET /admin/promotion", s.staff(adminOperators, s.adminPromotion))
	mux.HandleFunc("GET /admin/distributors/{id}", s.staff(adminOperators, s.adminDistributor))
	mux.HandleFunc("POST /admin/distributors/{id}/freeze", s.staff(adminOperators, s.adminFreeze))
	mux.HandleFunc("POST /admin/distributors/{id}/unfreeze", s.staff(adminOperators, s.adminUnfreeze))
	mux.HandleFunc("POST /admin/distributors/{id}/move", s.staff(adminOperators, s.adminMove))

	mux.HandleFunc("GET /admin/products", s.staff(adminReaders, s.adminProducts))
	mux.HandleFunc("GET /admin/products/low-stock", s.staff(adminReaders, s.adminLowStock))
	mux.HandleFunc("GET /admin/products/new", s.staff(adminOperators, s.adminProductNew))
	mux.HandleFunc("POST /admin/products", s.staff(adminOperators, s.adminProductCreate))
	mux.HandleFunc("GET /admin/products/{id}", s.staff(adminReaders, s.adminProduct))
	mux.HandleFunc("POST /admin/products/{id}", s.staff(adminOperators, s.adminProductUpdate))
	mux.HandleFunc("POST /admin/products/{id}/stock", s.staff(adminOperators, s.adminStock))

	mux.HandleFunc("GET /admin/materials", s.staff(adminOperators, s.adminMaterials))
	mux.HandleFunc("POST /admin/materials", s.staff(adminOperators, s.adminMaterialUpload))
	mux.HandleFunc("POST /admin/materials/text", s.staff(adminOperators, s.adminMaterialText))
	mux.HandleFunc("GET /admin/materials/{id}/file", s.staff(adminOperators, s.adminMaterialFile))
	mux.HandleFunc("POST /admin/materials/{id}", s.staff(adminOperators, s.adminMaterialUpdate))
	mux.HandleFunc("POST /admin/materials/{id}/delete", s.staff(adminOperators, s.adminMaterialDelete))

	mux.HandleFunc("GET /admin/orders", s.staff(adminReaders, s.adminOrders))
	mux.HandleFunc("GET /admin/orders/{id}", s.staff(adminReaders, s.adminOrder))
	mux.HandleFunc("POST /admin/orders/export", s.staff(adminReaders, func(w http.ResponseWriter, r *http.Request) {
		s.exportJobs().Start(s.adminOrdersExportJob)(w, r)
	}))
	mux.HandleFunc("GET /admin/exports/{id}", s.staff(adminReaders, func(w http.ResponseWriter, r *http.Request) { s.exportJobs().Page(w, r) }))
	mux.HandleFunc("GET /admin/exports/{id}/status", s.staff(adminReaders, func(w http.ResponseWriter, r *http.Request) { s.exportJobs().Status(w, r) }))
	mux.HandleFunc("GET /admin/exports/{id}/download", s.staff(adminReaders, func(w http.ResponseWriter, r *http.Request) { s.exportJobs().Download(w, r) }))
	mux.HandleFunc("POST /admin/orders/{id}/ship", s.staff(adminOperators, s.adminShip))
	mux.HandleFunc("POST /admin/orders/{id}/deliver", s.staff(adminOperators, s.adminDeliver))
	mux.HandleFunc("POST /admin/orders/{id}/complete", s.staff(adminOperators, s.adminComplete))
	mux.HandleFunc("POST /admin/orders/{id}/cancel", s.staff(adminOperators, s.adminCancel))
	mux.HandleFunc("POST /admin/orders/{id}/refund", s.staff(adminOperators, s.adminRefund))

	mux.HandleFunc("GET /admin/reports", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/reports/distributors", http.StatusFound)
	})
	mux.HandleFunc("GET /admin/reports/{name}", s.staff(adminAnyStaff, s.adminReport))

	// Finance: withdrawals and settlements (admin_finance.go).
	mux.HandleFunc("GET /admin/withdrawals", s.staff(adminFinance, s.adminWithdrawals))
	mux.HandleFunc("GET /admin/withdrawals/{id}", s.staff(adminFinance, s.adminWithdrawal))
	mux.HandleFunc("POST /admin/withdrawals/{id}/approve", s.staff(adminFinance, s.adminWithdrawalApprove))
	mux.HandleFunc("POST /admin/withdrawals/{id}/reject", s.staff(adminFinance, s.adminWithdrawalReject))
	mux.HandleFunc("POST /admin/withdrawals/{id}/pay", s.staff(adminFinance, s.adminWithdrawalPay))
	mux.HandleFunc("POST /admin/withdrawals/{id}/fail", s.staff(adminFinance, s.adminWithdrawalFail))
	mux.HandleFunc("GET /admin/settlements", s.staff(adminFinance, s.adminSettlements))
	mux.HandleFunc("POST /admin/settlements", s.staff(adminFinance, s.adminSettlementStart))
	mux.HandleFunc("GET /admin/settlements/{id}", s.staff(adminFinance, s.adminSettlementRun))
	mux.HandleFunc("POST /admin/settlements/{id}/resume", s.staff(adminFinance, s.adminSettlementResume))
	mux.HandleFunc("GET /admin/statements/{id}", s.staff(adminFinance, s.adminStatement))

	mux.HandleFunc("GET /admin/settings", s.staff(adminOwners, s.adminSettings))
	mux.HandleFunc("POST /admin/settings/network", s.staff(adminOwners, s.adminSaveNetwork))
	mux.HandleFunc("POST /admin/settings/commission", s.staff(adminOwners, s.adminSaveCommission))
	mux.HandleFunc("POST /admin/settings/binding", s.staff(adminOwners, s.adminSaveBinding))
	mux.HandleFunc("GET /admin/audit", s.staff(adminOwners, s.adminAudit))
	mux.HandleFunc("GET /admin/keys", s.staff(adminOwners, s.adminKeys))
	mux.HandleFunc("POST /admin/keys", s.staff(adminOwners, s.adminKeyCreate))
	mux.HandleFunc("POST /admin/keys/{id}/revoke", s.staff(adminOwners, s.adminKeyRevoke))
	mux.HandleFunc("GET /admin/staff", s.staff(adminOwners, s.adminStaff))
	mux.HandleFunc("POST /admin/staff/{id}/password", s.staff(adminOwners, s.adminStaffPassword))
	mux.HandleFunc("GET /admin/password", s.staff(adminAnyStaff, s.adminPassword))
	mux.HandleFunc("POST /admin/password", s.staff(adminAnyStaff, s.adminPassword))
	mux.HandleFunc("POST /admin/staff", s.staff(adminOwners, s.adminStaffCreate))

	// Anything else under /admin/ is a console 404 page, behind sign-in so it reveals nothing.
	mux.HandleFunc("/admin/", s.staff(adminAnyStaff, func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusNotFound, "admin/error", &Page{Title: "error.title", Data: map[string]any{"Status": 404, "Message": ""}})
	}))
}
