package poster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// alignedFace copies face i of an SFNT file or collection into a standalone font whose tables
// start on four-byte boundaries. x/image's sfnt refuses tables that do not (golang/go#46384), and
// WenQuanYi Zen Hei — the Chinese font Debian installs most — has such tables; every other
// parser accepts them, so the copy changes nothing but the offsets.
func alignedFace(src []byte, i int) ([]byte, error) {
	if len(src) < 12 {
		return nil, errors.New("font file too short")
	}
	base := 0
	if string(src[:4]) == "ttcf" {
		n := int(binary.BigEndian.Uint32(src[8:]))
		if i < 0 || i >= n || 12+4*(i+1) > len(src) {
			return nil, fmt.Errorf("font collection has no face %d", i)
		}
		base = int(binary.BigEndian.Uint32(src[12+4*i:]))
	} else if i != 0 {
		return nil, fmt.Errorf("font file has one face, not %d", i+1)
	}
	if base+12 > len(src) {
		return nil, errors.New("font face offset past the end of the file")
	}
	numTables := int(binary.BigEndian.Uint16(src[base+4:]))
	recs := base + 12
	if numTables == 0 || numTables > 256 || recs+16*numTables > len(src) {
		return nil, fmt.Errorf("font face has a bad table count %d", numTables)
	}
	type record struct {
		tag, sum uint32
		data     []byte
	}
	tables := make([]record, numTables)
	for k := range tables {
		r := src[recs+16*k:]
		off, n := int(binary.BigEndian.Uint32(r[8:])), int(binary.BigEndian.Uint32(r[12:]))
		if off < 0 || n < 0 || off+n > len(src) || off+n < off {
			return nil, fmt.Errorf("font table %q lies outside the file", r[:4])
		}
		tables[k] = record{tag: binary.BigEndian.Uint32(r), sum: binary.BigEndian.Uint32(r[4:]), data: src[off : off+n]}
	}
	slices.SortFunc(tables, func(a, b record) int { return int(int64(a.tag) - int64(b.tag)) })
	size := 12 + 16*numTables
	for _, t := range tables {
		size += (len(t.data) + 3) &^ 3
	}
	out := make([]byte, 12+16*numTables, size)
	copy(out, src[base:base+12])
	for k, t := range tables {
		r := out[12+16*k:]
		binary.BigEndian.PutUint32(r, t.tag)
		binary.BigEndian.PutUint32(r[4:], t.sum)
		binary.BigEndian.PutUint32(r[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(r[12:], uint32(len(t.data)))
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}
