package link

import (
	"bytes"
	"fmt"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// A content whose first encoding the finder-pattern detector cannot locate (found by decoding
// 400 random link URLs at four sizes) is re-encoded until it reads: every served QR code decodes
// through the detector, not only with the "pure barcode" shortcut.
func TestQRReadsBackThroughTheDetector(t *testing.T) {
	hard := "http://127.0.0.1:40883/r/NTYNAHBY"
	first, err := qrModules(hard, QRLevel)
	if err != nil {
		t.Fatal(err)
	}
	if readsBack(first, hard) {
		t.Log("the encoder's first layout now reads; the fallback is not exercised by this content")
	}
	for i := range 60 {
		url := hard
		if i > 0 {
			url = fmt.Sprintf("http://127.0.0.1:%d/r/C%07d", 30000+i*37, i*7919)
		}
		for _, size := range []int{200, 300, 512} {
			b, err := QRPNG(url, size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
			r, err := zxingqr.NewQRCodeReader().Decode(bmp, nil)
			if err != nil || r.GetText() != url {
				t.Errorf("%s at %d px: %v", url, size, err)
			}
		}
	}
}
