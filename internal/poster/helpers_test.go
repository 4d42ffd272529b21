package poster_test

import (
	"image"
	"image/color"
	"strconv"
)

func gradientImg(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	return img
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
