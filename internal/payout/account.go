package payout

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
)

// Account is where a withdrawal is paid. Which fields a method needs:
//
//	bank_card  bank_name, account_name, card_no (12–19 digits, Luhn check digit)
//	alipay     account (phone or email), account_name
//	wechat     openid or phone (one of them), account_name
//	wallet     none: cash handed over offline
//
// Fields a method does not use are refused, so a detail typed into the wrong field is noticed.
type Account struct {
	BankName    string `json:"bank_name,omitempty" maxLength:"200" doc:"bank_card: the issuing bank, e.g. 招商银行"`
	AccountName string `json:"account_name,omitempty" maxLength:"200" doc:"the holder's name as the bank or wallet knows it"`
	CardNo      string `json:"card_no,omitempty" maxLength:"64" doc:"bank_card: 12 to 19 digits; shown masked to the last 4"`
	Account     string `json:"account,omitempty" maxLength:"200" doc:"alipay: the Alipay login, a phone number or an email"`
	OpenID      string `json:"openid,omitempty" maxLength:"128" doc:"wechat: the payee's openid under the merchant's app"`
	Phone       string `json:"phone,omitempty" maxLength:"32" doc:"wechat: the payee's phone, instead of an openid"`
}

var openIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{6,64}$`)

// normalize checks a for method and returns it cleaned (spaces out of card numbers, phones in
// their 11-digit form). Errors: Invalid with code invalid_account and the field at fault.
func (a Account) normalize(m Method) (Account, error) {
	var out Account
	var err error
	switch m {
	case BankCard:
		if err = a.only(m, "bank_name", "account_name", "card_no"); err != nil {
			return out, err
		}
		if out.BankName, err = text("bank_name", a.BankName, 64); err != nil {
			return out, err
		}
		if out.AccountName, err = holder(a.AccountName); err != nil {
			return out, err
		}
		out.CardNo, err = cardNo(a.CardNo)
	case Alipay:
		if err = a.only(m, "account", "account_name"); err != nil {
			return out, err
		}
		if out.AccountName, err = holder(a.AccountName); err != nil {
			return out, err
		}
		out.Account, err = alipayAccount(a.Account)
	case WeChat:
		if err = a.only(m, "openid", "phone", "account_name"); err != nil {
			return out, err
		}
		if out.AccountName, err = holder(a.AccountName); err != nil {
			return out, err
		}
		openid, phone := strings.TrimSpace(a.OpenID), strings.TrimSpace(a.Phone)
		switch {
		case (openid == "") == (phone == ""):
			return out, invalidAccount("openid", "wechat needs either openid or phone (not both)")
		case openid != "":
			if !openIDRE.MatchString(openid) {
				return out, invalidAccount("openid", "openid must be 6 to 64 letters, digits, - or _")
			}
			out.OpenID = openid
		default:
			if out.Phone, err = identity.NormalizePhone(phone); err != nil {
				return out, invalidAccount("phone", err.Error())
			}
		}
	case Wallet:
		err = a.only(m)
	default:
		return out, errs.Field("method", "invalid_method", "method must be bank_card, alipay, wechat or wallet, not %q", m)
	}
	return out, err
}

// only refuses any field of a that method m does not use.
func (a Account) only(m Method, allowed ...string) error {
	given := []struct{ name, value string }{
		{"bank_name", a.BankName}, {"account_name", a.AccountName}, {"card_no", a.CardNo},
		{"account", a.Account}, {"openid", a.OpenID}, {"phone", a.Phone},
	}
	for _, f := range given {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		ok := false
		for _, n := range allowed {
			ok = ok || n == f.name
		}
		if !ok {
			if m == Wallet {
				return invalidAccount(f.name, "a wallet (offline cash) withdrawal takes no account details, but "+f.name+" was given")
			}
			return invalidAccount(f.name, fmt.Sprintf("%s is not used by %s; it takes %s", f.name, m, strings.Join(allowed, ", ")))
		}
	}
	return nil
}

func invalidAccount(field, msg string) error {
	return &errs.Error{Kind: errs.Invalid, Code: "invalid_account", Field: "account." + field, Message: "account." + field + ": " + msg}
}

func text(field, v string, maxRunes int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", invalidAccount(field, "is required")
	}
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxRunes || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' }) {
		return "", invalidAccount(field, fmt.Sprintf("must be plain text of at most %d characters", maxRunes))
	}
	return v, nil
}

// holder is the account holder's name: it must match the payee's real name at the bank, so it
// is checked like one.
func holder(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", invalidAccount("account_name", "is required: the holder's name as the bank or wallet knows it")
	}
	n, err := identity.Name(v, 64)
	if err != nil {
		return "", invalidAccount("account_name", err.Error())
	}
	return n, nil
}

// cardNo accepts 12 to 19 digits, with spaces or dashes between groups, whose last digit is the
// Luhn check digit of the others (ISO/IEC 7812; UnionPay debit cards follow it).
func cardNo(v string) (string, error) {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(v))
	if digits == "" {
		return "", invalidAccount("card_no", "is required")
	}
	if len(digits) < 12 || len(digits) > 19 || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) {
		return "", invalidAccount("card_no", "a card number is 12 to 19 digits")
	}
	if !luhn(digits) {
		return "", invalidAccount("card_no", "this card number's check digit is wrong; check it for a typo")
	}
	return digits, nil
}

// luhn reports whether the last digit of digits is the Luhn check digit of the rest.
func luhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func alipayAccount(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", invalidAccount("account", "is required: the Alipay login, a phone number or an email")
	}
	if strings.Contains(v, "@") {
		addr, err := mail.ParseAddress(v)
		if err != nil || addr.Address != v || addr.Name != "" || len(v) > 100 {
			return "", invalidAccount("account", "is neither a mainland mobile number nor a plain email address")
		}
		return v, nil
	}
	p, err := identity.NormalizePhone(v)
	if err != nil {
		return "", invalidAccount("account", "is neither a mainland mobile number nor a plain email address: "+err.Error())
	}
	return p, nil
}

// masked hides all but the last 4 digits of a card number.
func (a Account) masked() Account {
	if n := len(a.CardNo); n > 4 {
		a.CardNo = strings.Repeat("*", n-4) + a.CardNo[n-4:]
	}
	return a
}
