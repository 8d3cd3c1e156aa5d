package strict

import (
	"bytes"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// jsonHasher hashes JSON values so that equal values, as JSON Schema's
// uniqueItems compares them (keys in any order, numbers by value), hash
// equally. Arrays whose items must be unique compare hashes first and
// confirm a match on the canonical forms, so a collision can never report
// a false duplicate. A nil hasher hashes everything to 0.
type jsonHasher struct {
	seed maphash.Seed
	buf  []byte // scratch for unescaped strings
}

// Distinct starting points per JSON type.
const (
	jsonHashNull   = 0x6e756c6c6e756c6c
	jsonHashFalse  = 0x66616c7365000000
	jsonHashTrue   = 0x7472756500000000
	jsonHashNum    = 0x6e756d6265720000
	jsonHashNumRaw = 0x6e756d7261770000
	jsonHashStr    = 0x737472696e670000
	jsonHashArr    = 0x6172726179000000
	jsonHashObj    = 0x6f626a6563740000
)

// jsonMix combines two 64-bit values (order matters) into a well-spread
// one.
func jsonMix(a, b uint64) uint64 {
	x := a ^ (b + 0x9e3779b97f4a7c15 + a<<6 + a>>2)
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// bytes hashes a decoded string value.
func (hs *jsonHasher) bytes(b []byte) uint64 {
	if hs == nil {
		return 0
	}
	return jsonMix(jsonHashStr, maphash.Bytes(hs.seed, b))
}

// str hashes a string from its raw contents.
func (hs *jsonHasher) str(raw []byte, esc bool) uint64 {
	if hs == nil {
		return 0
	}
	if esc {
		hs.buf = jsonUnescape(hs.buf[:0], raw)
		raw = hs.buf
	}
	return hs.bytes(raw)
}

// scalar hashes a scalar token.
func (hs *jsonHasher) scalar(t *jsonTok) uint64 {
	if hs == nil {
		return 0
	}
	switch t.kind {
	case jsonNull:
		return jsonHashNull
	case jsonBool:
		if t.b {
			return jsonHashTrue
		}
		return jsonHashFalse
	case jsonNumber:
		if f, err := strconv.ParseFloat(string(t.raw), 64); err == nil {
			return jsonMix(jsonHashNum, math.Float64bits(f))
		}
		return jsonMix(jsonHashNumRaw, maphash.Bytes(hs.seed, t.raw))
	case jsonString:
		return hs.str(t.raw, t.esc)
	}
	return 0
}

// objectStart is the hash of an empty object; member adds one member
// (commutatively, since key order does not matter).
func (hs *jsonHasher) objectStart() uint64 { return jsonHashObj }

// member adds a member's key and value hashes to an object's hash.
func (hs *jsonHasher) member(h, key, val uint64) uint64 { return h + jsonMix(key, val) }

// arrayStart is the hash of an empty array; elem appends one element.
func (hs *jsonHasher) arrayStart() uint64 { return jsonHashArr }

// elem appends an element's hash to an array's hash.
func (hs *jsonHasher) elem(h, e uint64) uint64 { return jsonMix(h, e) }

// jsonUnique finds the repeated items of one array: it keeps each item's
// hash and offset, and once the array is read compares the items whose
// hashes are equal by their canonical forms.
type jsonUnique struct {
	items []jsonItem
}

// jsonItem is one item of an array whose items must be unique (16 bytes:
// offsets fit 32 bits, see jsonMaxSize).
type jsonItem struct {
	h      uint64
	i, off uint32
}

// add records item i, at off, with hash h.
func (u *jsonUnique) add(i, off int, h uint64) {
	u.items = append(jsonGrow(u.items, 1), jsonItem{h: h, i: uint32(i), off: uint32(off)})
}

// jsonGrow makes room for n more elements, doubling the capacity when it
// must grow: append alone grows large slices by a quarter, which for the
// long lists a big document makes allocates several times their size.
func jsonGrow[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) || cap(s) < 256 {
		return s
	}
	return slices.Grow(s, max(cap(s), n))
}

// jsonDup is an item equal to an earlier one.
type jsonDup struct{ i, first, off int }

// dups returns the (first jsonMaxIssues) items equal to an earlier item,
// in item order, each with the index of the first item it equals.
func (u *jsonUnique) dups(data []byte) (out []jsonDup, more bool) {
	items := u.items
	sort.Slice(items, func(a, b int) bool {
		if items[a].h != items[b].h {
			return items[a].h < items[b].h
		}
		return items[a].i < items[b].i
	})
	for lo := 0; lo < len(items); {
		hi := lo + 1
		for hi < len(items) && items[hi].h == items[lo].h {
			hi++
		}
		if hi-lo > 1 {
			firsts := map[string]int{}
			for _, it := range items[lo:hi] {
				c := jsonCanonAt(data, int(it.off))
				if j, ok := firsts[c]; ok {
					out = append(out, jsonDup{i: int(it.i), first: j, off: int(it.off)})
					if len(out) >= 2*jsonMaxIssues {
						out, more = jsonFirstDups(out), true
					}
					continue
				}
				firsts[c] = int(it.i)
			}
		}
		lo = hi
	}
	more = more || len(out) > jsonMaxIssues
	return jsonFirstDups(out), more
}

// jsonFirstDups sorts repeated items by index and keeps the first
// jsonMaxIssues (no more can be reported), so that an array of many equal
// items needs no list of them all.
func jsonFirstDups(d []jsonDup) []jsonDup {
	sort.Slice(d, func(a, b int) bool { return d[a].i < d[b].i })
	return d[:min(len(d), jsonMaxIssues)]
}

// jsonCanonAt renders the (well-formed) value at off canonically: keys
// sorted, numbers by value, strings by their decoded value.
func jsonCanonAt(data []byte, off int) string {
	s := jsonScanner{data: data, pos: off}
	var b strings.Builder
	jsonCanon(&s, &b, 0)
	return b.String()
}

// jsonCanon renders the value at the scanner's position.
func jsonCanon(s *jsonScanner, b *strings.Builder, depth int) {
	t, ok := s.next(depth)
	if !ok {
		return
	}
	switch t.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(t.b))
	case jsonNumber:
		if f, err := strconv.ParseFloat(string(t.raw), 64); err == nil {
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		} else {
			b.Write(t.raw)
		}
	case jsonString:
		b.WriteString(strconv.Quote(t.str()))
	case jsonArray:
		b.WriteByte('[')
		if s.arrayStart() {
			for {
				jsonCanon(s, b, depth+1)
				b.WriteByte(',')
				if !s.arrayNext() {
					break
				}
			}
		}
		b.WriteByte(']')
	case jsonObject:
		type member struct{ key, val string }
		var members []member
		if s.objectStart() {
			for {
				raw, esc, _ := s.key()
				k := jsonTok{kind: jsonString, raw: raw, esc: esc}
				var v strings.Builder
				jsonCanon(s, &v, depth+1)
				members = append(members, member{strconv.Quote(k.str()), v.String()})
				if !s.objectNext() {
					break
				}
			}
		}
		sort.SliceStable(members, func(i, j int) bool { return members[i].key < members[j].key })
		b.WriteByte('{')
		for _, m := range members {
			b.WriteString(m.key + ":" + m.val + ",")
		}
		b.WriteByte('}')
	}
}

// jsonLine returns the 1-based line holding offset off.
func jsonLine(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// jsonLines turns the offsets of issues into lines in one pass over the
// document; issues with a negative offset get line 0.
func jsonLines(data []byte, issues []jsonIssue) []Issue {
	order := make([]int, len(issues))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return issues[order[a]].off < issues[order[b]].off })
	out := make([]Issue, len(issues))
	line, at := 1, 0
	for _, i := range order {
		is := issues[i]
		out[i] = Issue{Pointer: is.ptr, Message: is.msg}
		if is.off < 0 {
			continue
		}
		off := min(is.off, len(data))
		line += bytes.Count(data[at:off], []byte{'\n'})
		at = off
		out[i].Line = line
	}
	return out
}

// jsonPointersAt walks the (well-formed) document once and returns the
// JSON pointer of the value starting at each of offs.
func jsonPointersAt(data []byte, offs []int) map[int]string {
	p := jsonPointerPass{s: jsonScanner{data: data}, want: map[int]bool{}, out: map[int]string{}}
	for _, o := range offs {
		p.want[o] = true
	}
	p.value(nil, 0)
	return p.out
}

// jsonPointerPass is the state of jsonPointersAt.
type jsonPointerPass struct {
	s    jsonScanner
	want map[int]bool
	out  map[int]string
	key  []byte
}

// value reads one value whose pointer is ptr and returns the buffer.
func (p *jsonPointerPass) value(ptr []byte, depth int) []byte {
	s := &p.s
	t, ok := s.next(depth)
	if !ok || len(p.out) == len(p.want) {
		return ptr
	}
	if p.want[t.off] {
		p.out[t.off] = string(ptr)
	}
	switch t.kind {
	case jsonObject:
		if s.objectStart() {
			for {
				raw, esc, _ := s.key()
				key := raw
				if esc {
					p.key = jsonUnescape(p.key[:0], raw)
					key = p.key
				}
				n := len(ptr)
				ptr = p.value(jsonAppendToken(ptr, key), depth+1)[:n]
				if !s.objectNext() || len(p.out) == len(p.want) {
					break
				}
			}
		}
	case jsonArray:
		if s.arrayStart() {
			for i := 0; ; i++ {
				n := len(ptr)
				ptr = p.value(strconv.AppendInt(append(ptr, '/'), int64(i), 10), depth+1)[:n]
				if !s.arrayNext() || len(p.out) == len(p.want) {
					break
				}
			}
		}
	}
	return ptr
}

// jsonAppendToken appends a key to a JSON pointer (RFC 6901 escaping).
func jsonAppendToken(ptr, key []byte) []byte {
	ptr = append(ptr, '/')
	for _, c := range key {
		switch c {
		case '~':
			ptr = append(ptr, '~', '0')
		case '/':
			ptr = append(ptr, '~', '1')
		default:
			ptr = append(ptr, c)
		}
	}
	return ptr
}
