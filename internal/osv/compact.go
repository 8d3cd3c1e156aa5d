package osv

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// The compact form of an affected entry is what the knowledge base stores
// for matching: the package, the ranges and the versions list, nothing
// else. Decoding it is several times faster than decoding the same entry
// as JSON, and a scan decodes tens of thousands of them.
//
// Layout (all counts and lengths are unsigned varints, strings are a
// length followed by UTF-8 bytes):
//
//	0x01                              format version
//	ecosystem, name, purl             strings
//	nRanges, then per range:          type, repo strings; nEvents, then per
//	                                  event: a byte of the fields set (1
//	                                  introduced, 2 fixed, 4 last_affected,
//	                                  8 limit), then each set field's value
//	                                  string in that order
//	nVersions, then each version      string
//
// DecodeCompact also accepts the JSON form that earlier databases hold.

// compactV1 is the first byte of the version-1 compact form.
const compactV1 = 0x01

// errCompact is wrapped by the errors of malformed compact data.
var errCompact = errors.New("malformed compact affected entry")

// EncodeCompact returns the compact form of a's package, ranges and
// versions.
func (a *Affected) EncodeCompact() []byte {
	n := 1 + 3*binary.MaxVarintLen64 + len(a.Package.Ecosystem) + len(a.Package.Name) + len(a.Package.PURL)
	for _, r := range a.Ranges {
		n += 3*binary.MaxVarintLen64 + len(r.Type) + len(r.Repo)
		for _, e := range r.Events {
			n += 1 + 4*binary.MaxVarintLen64 + len(e.Introduced) + len(e.Fixed) + len(e.LastAffected) + len(e.Limit)
		}
	}
	for _, v := range a.Versions {
		n += binary.MaxVarintLen64 + len(v)
	}
	b := make([]byte, 0, n)
	b = append(b, compactV1)
	b = appendString(b, a.Package.Ecosystem)
	b = appendString(b, a.Package.Name)
	b = appendString(b, a.Package.PURL)
	b = binary.AppendUvarint(b, uint64(len(a.Ranges)))
	for _, r := range a.Ranges {
		b = appendString(b, r.Type)
		b = appendString(b, r.Repo)
		b = binary.AppendUvarint(b, uint64(len(r.Events)))
		for _, e := range r.Events {
			fields := e.fields()
			var set byte
			for i, f := range fields {
				if f != "" {
					set |= 1 << i
				}
			}
			b = append(b, set)
			for _, f := range fields {
				if f != "" {
					b = appendString(b, f)
				}
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(a.Versions)))
	for _, v := range a.Versions {
		b = appendString(b, v)
	}
	return b
}

// fields returns the event's fields in the compact form's order. A valid
// event has exactly one set; the compact form keeps invalid ones as they
// are, so that evaluation sees what the record said.
func (e Event) fields() [4]string {
	return [4]string{e.Introduced, e.Fixed, e.LastAffected, e.Limit}
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// DecodeCompact decodes data, in the compact form or as JSON, into a.
// The strings of a share one copy of data: a compact entry costs one
// allocation for its strings plus its slices.
func DecodeCompact(data []byte, a *Affected) error {
	*a = Affected{}
	if len(data) == 0 {
		return fmt.Errorf("%w: empty", errCompact)
	}
	if data[0] == '{' {
		return json.Unmarshal(data, a)
	}
	if data[0] != compactV1 {
		return fmt.Errorf("%w: unknown format version %#x", errCompact, data[0])
	}
	d := decoder{s: string(data[1:])}
	a.Package.Ecosystem = d.str()
	a.Package.Name = d.str()
	a.Package.PURL = d.str()
	if n := d.count(); n > 0 {
		a.Ranges = make([]Range, n)
		for i := range a.Ranges {
			r := &a.Ranges[i]
			r.Type = d.str()
			r.Repo = d.str()
			if m := d.count(); m > 0 {
				r.Events = make([]Event, m)
				for j := range r.Events {
					e := &r.Events[j]
					set := d.byte()
					if set > 0x0f {
						d.fail("unknown event fields %#x", set)
					}
					for k, f := range [4]*string{&e.Introduced, &e.Fixed, &e.LastAffected, &e.Limit} {
						if set&(1<<k) != 0 {
							*f = d.str()
						}
					}
				}
			}
		}
	}
	if n := d.count(); n > 0 {
		a.Versions = make([]string, n)
		for i := range a.Versions {
			a.Versions[i] = d.str()
		}
	}
	if d.err == nil && d.i != len(d.s) {
		d.fail("%d trailing bytes", len(d.s)-d.i)
	}
	if d.err != nil {
		*a = Affected{}
		return d.err
	}
	return nil
}

// decoder reads the compact form. After the first error every read
// returns a zero value and err keeps that first error.
type decoder struct {
	s   string
	i   int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %s", errCompact, d.i+1, fmt.Sprintf(format, args...))
	}
	d.i = len(d.s)
}

func (d *decoder) uvarint() uint64 {
	var x uint64
	var shift uint
	for k := 0; k < binary.MaxVarintLen64; k++ {
		if d.i >= len(d.s) {
			d.fail("truncated")
			return 0
		}
		c := d.s[d.i]
		d.i++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.fail("varint overflow")
	return 0
}

// count reads a count of items that each take at least one byte, so that
// a corrupt count cannot make the decoder allocate more than the data.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.fail("count %d exceeds the remaining data", n)
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.fail("string length %d exceeds the remaining data", n)
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *decoder) byte() byte {
	if d.i >= len(d.s) {
		d.fail("truncated")
		return 0
	}
	c := d.s[d.i]
	d.i++
	return c
}
