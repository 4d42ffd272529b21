package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/audit"
)

const userUsage = `Usage: fenxiao user create --login LOGIN --name NAME [--role owner|operator|finance]

Creates a staff account for the console (/admin). The password is read from the environment
variable FENXIAO_USER_PASSWORD, or from the first line of standard input:

  echo 'a long password' | fenxiao user create --login boss@shop.cn --name 王店长
`

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stdout, userUsage)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return nil
		}
		return fmt.Errorf("unknown user command %q", args[0])
	}
	fs := newFlags("user create", userUsage, stderr)
	var c common
	c.register(fs)
	login := fs.String("login", "", "the sign-in name, e.g. an email address")
	name := fs.String("name", "", "the person's name")
	role := fs.String("role", "owner", "owner, operator or finance")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	password := os.Getenv("FENXIAO_USER_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("no password: set FENXIAO_USER_PASSWORD or pipe it on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		return err
	}
	st, err := (&account.Service{DB: d}).CreateStaff(audit.WithActor(ctx, "cli"), *login, *name, *role, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (%s), id %d\n", st.Role, st.Login, st.Name, st.ID)
	return nil
}
