package poster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // product pictures may be any of these
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	_ "golang.org/x/image/webp"
)

// Limits on a product picture: bytes read, and pixels decoded (a small file can claim a huge
// size and exhaust memory when decoded).
const (
	MaxImageBytes  = 10 << 20
	MaxImagePixels = 40_000_000
)

// Images loads a product's picture by the URL stored on the product.
type Images struct {
	// UploadsDir holds what /uploads/… paths name; "" leaves them unloaded.
	UploadsDir string
	// Remote fetches http(s) pictures when set, through a client made by RemoteClient; nil
	// draws the placeholder for them instead, so rendering never waits on another server.
	Remote *http.Client
}

// ErrNoImage means the picture is not one the server loads; the poster shows a placeholder.
var ErrNoImage = errors.New("picture not loadable from the server")

// Load returns the bytes of the picture src, at most MaxImageBytes.
func (l Images) Load(ctx context.Context, src string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(src, "/uploads/"); ok {
		if l.UploadsDir == "" {
			return nil, ErrNoImage
		}
		// os.Root refuses any path that leaves the directory, whatever the product says.
		root, err := os.OpenRoot(l.UploadsDir)
		if err != nil {
			return nil, fmt.Errorf("open uploads dir: %w", err)
		}
		defer root.Close()
		f, err := root.Open(rest)
		if err != nil {
			return nil, fmt.Errorf("open picture %s: %w", src, err)
		}
		defer f.Close()
		return readCapped(f, src)
	}
	if l.Remote == nil || !(strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://")) {
		return nil, ErrNoImage
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, fmt.Errorf("picture %s: %w", src, err)
	}
	res, err := l.Remote.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch picture: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch picture %s: status %s", src, res.Status)
	}
	return readCapped(res.Body, src)
}

func readCapped(r io.Reader, src string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read picture %s: %w", src, err)
	}
	if len(b) > MaxImageBytes {
		return nil, fmt.Errorf("picture %s is larger than %d MiB", src, MaxImageBytes>>20)
	}
	return b, nil
}

// RemoteClient fetches pictures from public addresses only (never loopback, private or
// link-local ones, so a product's URL cannot reach inside the network), within timeout.
func RemoteClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsLinkLocalMulticast() {
			return fmt.Errorf("picture host %s is not a public address", host)
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout,
		MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return nil
		}}
}

// Decode reads a JPEG, PNG, GIF or WebP picture, refusing one whose pixel count passes
// MaxImagePixels before decoding it.
func Decode(b []byte) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("picture is not a JPEG, PNG, GIF or WebP image: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxImagePixels {
		return nil, fmt.Errorf("picture is %d×%d pixels; at most %d million are drawn", cfg.Width, cfg.Height, MaxImagePixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("decode %s picture: %w", format, err)
	}
	return img, nil
}
