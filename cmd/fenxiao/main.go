// Command fenxiao runs the fenxiao two-level distribution system: the HTTP server and the tools
// an operator needs around it. Run `fenxiao help` for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fenxiao/fenxiao/internal/db"
)

const usage = `fenxiao — a two-level distribution system (二级分销系统) in one binary.

Usage:
  fenxiao <command> [flags]

Commands:
  serve     run the HTTP server: console /admin, distributor portal /m, shop /s,
            JSON API /api/v1, /healthz, /readyz, /metrics; --demo fills an empty shop
  migrate   apply database migrations and exit
  apikey    create, list or revoke admin API keys:  fenxiao apikey create --name erp
  user      create console staff accounts:  fenxiao user create --login boss@shop.cn --name 王店长
  verify    check the ledger, network and report-rollup invariants; exits 1 naming any breach
  settle    settle commission and draw statements:  fenxiao settle [--cutoff T] [--distributor-id N] [--due]
  rollup    recompute the report rollups from the raw rows:  fenxiao rollup rebuild [--zone Asia/Shanghai]
  version   print the version

Every command reads its settings from flags or FENXIAO_* environment variables; secrets may
also come from a file named by FENXIAO_*_FILE. Run "fenxiao <command> --help" for its flags.

Storage: embedded SQLite in --data-dir by default; set FENXIAO_DATABASE_URL=postgres://…
for PostgreSQL (production, several app nodes).
`

var version = "dev"

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var ex exitError
		if errors.As(err, &ex) {
			os.Exit(int(ex))
		}
		fmt.Fprintln(os.Stderr, "fenxiao:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a code after the command printed its own explanation.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout, stderr)
	case "apikey":
		return cmdAPIKey(ctx, args[1:], stdout, stderr)
	case "user":
		return cmdUser(ctx, args[1:], os.Stdin, stdout, stderr)
	case "verify":
		return cmdVerify(ctx, args[1:], stdout, stderr)
	case "settle":
		return cmdSettle(ctx, args[1:], stdout, stderr)
	case "rollup":
		return cmdRollup(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "fenxiao", version)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// common holds the settings every command shares.
type common struct {
	dataDir     string
	databaseURL string
	logLevel    string
	logFormat   string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dataDir, "data-dir", env("FENXIAO_DATA_DIR", "data"), "directory for the SQLite database and uploads (FENXIAO_DATA_DIR)")
	fs.StringVar(&c.databaseURL, "database-url", secretEnv("FENXIAO_DATABASE_URL"), "postgres://… URL, or empty for SQLite in --data-dir (FENXIAO_DATABASE_URL or FENXIAO_DATABASE_URL_FILE)")
	fs.StringVar(&c.logLevel, "log-level", env("FENXIAO_LOG_LEVEL", "info"), "debug, info, warn or error (FENXIAO_LOG_LEVEL)")
	fs.StringVar(&c.logFormat, "log-format", env("FENXIAO_LOG_FORMAT", "text"), "text or json (FENXIAO_LOG_FORMAT)")
}

func (c *common) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func (c *common) open(ctx context.Context) (*db.DB, error) {
	url := c.databaseURL
	if url == "" {
		url = filepath.Join(c.dataDir, "fenxiao.db")
	}
	return db.Open(ctx, url, db.Options{})
}

func newFlags(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: fenxiao %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// secretEnv reads NAME, or the file named by NAME_FILE (trimmed), so secrets need not sit in the
// environment of every process.
func secretEnv(name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	if f := os.Getenv(name + "_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fenxiao: cannot read %s_FILE %s: %v\n", name, f, err)
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return ""
}

// parse handles --help as success rather than an error.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return exitError(0)
	}
	return err
}
