// Package payment is how the shop takes money: a Provider sends the customer to its checkout
// page, and later tells the shop that an order was paid with a signed Notification. The
// signature is HMAC-SHA256 over a canonical string that includes a timestamp (DESIGN.md §10), so
// a notification cannot be forged, altered or replayed late. The order service decides what a
// valid notification changes; this package only proves who sent it.
package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// Checkout is what a provider needs to take the payment of one order.
type Checkout struct {
	OrderID   int64
	OrderNo   string
	AmountFen int64
	Subject   string // what the customer sees on the provider's page, e.g. the first product's name
	BaseURL   string // this shop's scheme://host, without a trailing slash
	ReturnURL string // where the customer goes back to after paying
	NotifyURL string // where the provider POSTs its signed Notification
}

// Provider is a payment gateway.
type Provider interface {
	// Name is the provider's short lowercase name, stored with the payment ("sandbox", "wechat").
	Name() string
	// Checkout returns the URL the customer's browser is sent to in order to pay.
	Checkout(ctx context.Context, c Checkout) (redirectURL string, err error)
}

// Notification says that an order was paid. Timestamp is Unix seconds at signing.
type Notification struct {
	OrderID   int64
	OrderNo   string
	AmountFen int64
	Reference string // the provider's transaction id; one payment pays one order
	Provider  string
	Timestamp int64
}

// MaxAge is how old a notification may be; MaxSkew is how far ahead of our clock its timestamp
// may be, so that two app nodes whose clocks differ by a second still accept each other's.
const (
	MaxAge  = 5 * time.Minute
	MaxSkew = 10 * time.Second
)

// canonical is the signed string: a version tag, then every field on its own line, strings
// quoted so that no value can imitate a field boundary.
func (n Notification) canonical() string {
	return strings.Join([]string{
		"fenxiao-payment-v1",
		strconv.FormatInt(n.OrderID, 10),
		strconv.Quote(n.OrderNo),
		strconv.FormatInt(n.AmountFen, 10),
		strconv.Quote(n.Reference),
		strconv.Quote(n.Provider),
		strconv.FormatInt(n.Timestamp, 10),
	}, "\n")
}

// Sign returns the hex HMAC-SHA256 of n under secret.
func Sign(secret []byte, n Notification) string { return hex.EncodeToString(mac(secret, n)) }

func mac(secret []byte, n Notification) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(n.canonical()))
	return m.Sum(nil)
}

// Verify checks that sig is n signed with secret and that n was signed within MaxAge before now
// (and at most MaxSkew after it). The comparison takes the same time however much of sig is right.
// Errors: Unauthorized (bad_signature, notification_expired, notification_from_future).
func Verify(secret []byte, n Notification, sig string, now time.Time) error {
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, n)) {
		return errs.E(errs.Unauthorized, "bad_signature", "the payment notification's signature does not match")
	}
	at := time.Unix(n.Timestamp, 0)
	if now.Sub(at) > MaxAge {
		return errs.E(errs.Unauthorized, "notification_expired", "the payment notification was signed %s ago; at most %s is accepted",
			now.Sub(at).Truncate(time.Second), MaxAge)
	}
	if at.Sub(now) > MaxSkew {
		return errs.E(errs.Unauthorized, "notification_from_future", "the payment notification is dated %s in the future",
			at.Sub(now).Truncate(time.Second))
	}
	return nil
}

// Form is n with its signature as the form body a provider POSTs to the notify endpoint.
func (n Notification) Form(secret []byte) url.Values {
	return url.Values{
		"order_id":   {strconv.FormatInt(n.OrderID, 10)},
		"order_no":   {n.OrderNo},
		"amount_fen": {strconv.FormatInt(n.AmountFen, 10)},
		"reference":  {n.Reference},
		"provider":   {n.Provider},
		"timestamp":  {strconv.FormatInt(n.Timestamp, 10)},
		"signature":  {Sign(secret, n)},
	}
}

// ParseForm reads a notification and its signature from a notify request's form; it does not
// verify the signature. Errors: Invalid (bad_notification).
func ParseForm(f url.Values) (n Notification, sig string, err error) {
	num := func(field string) int64 {
		v, e := strconv.ParseInt(f.Get(field), 10, 64)
		if e != nil && err == nil {
			err = errs.Field(field, "bad_notification", "%s must be an integer", field)
		}
		return v
	}
	n = Notification{OrderID: num("order_id"), OrderNo: f.Get("order_no"), AmountFen: num("amount_fen"),
		Reference: f.Get("reference"), Provider: f.Get("provider"), Timestamp: num("timestamp")}
	return n, f.Get("signature"), err
}

// String names a notification in logs.
func (n Notification) String() string {
	return fmt.Sprintf("%s %s order %s (%d) %d fen at %d", n.Provider, n.Reference, n.OrderNo, n.OrderID, n.AmountFen, n.Timestamp)
}
