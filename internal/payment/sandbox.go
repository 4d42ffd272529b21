package payment

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Sandbox is the built-in provider for development and demonstrations: its checkout page is the
// shop's own /s/sandbox/{order_no}, where the customer presses Pay or Fail, and Pay posts a signed
// notification to the shop exactly as a real gateway would. It moves no money, so a shop that
// takes real orders must use another provider.
type Sandbox struct{}

// Name is "sandbox".
func (Sandbox) Name() string { return "sandbox" }

// Checkout sends the customer to the sandbox pay page of the order.
func (Sandbox) Checkout(_ context.Context, c Checkout) (string, error) {
	if c.BaseURL == "" || c.OrderNo == "" {
		return "", fmt.Errorf("sandbox checkout needs the shop's base URL and the order number")
	}
	return strings.TrimRight(c.BaseURL, "/") + "/s/sandbox/" + url.PathEscape(c.OrderNo), nil
}

// Success is what a notify endpoint answers when it accepted a notification (or had already),
// after the custom of Chinese gateways, which retry until they read it.
const Success = "success"

// Notify POSTs n, signed with secret, to notifyURL as a form and succeeds only when the endpoint
// answers 200 "success". The sandbox uses it; so can tests that play a gateway.
func Notify(ctx context.Context, client *http.Client, notifyURL string, secret []byte, n Notification) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, notifyURL, strings.NewReader(n.Form(secret).Encode()))
	if err != nil {
		return fmt.Errorf("payment notification to %s: %w", notifyURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("payment notification to %s: %w", notifyURL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	if res.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != Success {
		return fmt.Errorf("payment notification to %s refused: %d %s", notifyURL, res.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}
