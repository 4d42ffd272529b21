package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/verify"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "Applies every pending database migration and exits. `serve` does this too at start.", stderr)
	var c common
	c.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, c.logger(stderr)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s database is up to date\n", d.Dialect)
	return nil
}

const apikeyUsage = `Usage: fenxiao apikey <create|list|revoke> [flags]

  create --name NAME [--role owner|operator|finance]   prints the key once; store it safely
  list                                                  shows keys (never their secrets)
  revoke --id ID                                        disables a key at once

Clients send the key as "Authorization: Bearer fx_…" to /api/v1.
`

func cmdAPIKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, apikeyUsage)
		return nil
	}
	sub := args[0]
	fs := newFlags("apikey "+sub, apikeyUsage, stderr)
	var c common
	c.register(fs)
	name := fs.String("name", "", "a name saying who uses the key, e.g. erp-sync")
	role := fs.String("role", apikey.RoleOwner, "owner, operator (products, orders, distributors) or finance (settlements, withdrawals)")
	id := fs.Int64("id", 0, "the key to revoke")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		return err
	}
	svc := &apikey.Service{DB: d}
	ctx = audit.WithActor(ctx, "cli")
	switch sub {
	case "create":
		k, secret, err := svc.Create(ctx, *name, *role)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(map[string]any{"id": k.ID, "name": k.Name, "role": k.Role, "key": secret})
		}
		fmt.Fprintf(stdout, "%s\n", secret)
		fmt.Fprintf(stderr, "created API key %d (%s, role %s); it is shown only this once\n", k.ID, k.Name, k.Role)
		return nil
	case "list":
		keys, err := svc.List(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(keys)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tROLE\tCREATED\tREVOKED")
		for _, k := range keys {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, k.Role, k.CreatedAt.Format("2006-01-02 15:04"), revoked)
		}
		return tw.Flush()
	case "revoke":
		if *id <= 0 {
			return fmt.Errorf("revoke needs --id (see fenxiao apikey list)")
		}
		if err := svc.Revoke(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "revoked key "+strconv.FormatInt(*id, 10))
		return nil
	}
	fmt.Fprint(stderr, apikeyUsage)
	return fmt.Errorf("unknown apikey command %q", sub)
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", "Checks the invariants of the network and the ledger (DESIGN.md §6) on the live database.\nExits 0 when all hold, 1 naming every breach.", stderr)
	var c common
	c.register(fs)
	list := fs.Bool("list", false, "only list the checks")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *list {
		for _, n := range verify.Names() {
			fmt.Fprintln(stdout, "-", n)
		}
		return nil
	}
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		return err
	}
	breaches, err := verify.Run(ctx, d)
	if err != nil {
		return err
	}
	if len(breaches) == 0 {
		fmt.Fprintf(stdout, "ok: %d checks passed on %s\n", len(verify.Names()), d.Dialect)
		return nil
	}
	for _, b := range breaches {
		fmt.Fprintf(stdout, "BREACH: %s\n", b.Check)
		for _, line := range b.Detail {
			fmt.Fprintf(stdout, "  - %s\n", line)
		}
	}
	return exitError(1)
}
