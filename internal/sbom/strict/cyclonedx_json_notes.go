package strict

import (
	"bytes"
	"sort"
	"strconv"
)

// jsonNotes collects what the walk's scanner meets that is valid JSON, as
// encoding/json reads it, but that RFC 8259 and the CycloneDX schema do
// not allow: strings (values or keys) that are not UTF-8, which readers
// silently turn into U+FFFD, and objects that repeat a key, of which
// readers keep either value. Other scanners (peeks, later passes) have no
// notes, so each place is noted once.
type jsonNotes struct {
	list   []jsonNote   // in document order
	keys   []jsonKeyRef // the keys of the open objects (see jsonKeys)
	capped bool
}

// jsonNote is one such place: a string at off, or the member whose key
// starts at off.
type jsonNote struct {
	off   int
	key   bool   // off is a member's key (the issue points at its value)
	dup   string // the repeated key; "" for invalid UTF-8
	isDup bool
}

// jsonMaxNotes bounds the notes kept: more could not be reported anyway.
const jsonMaxNotes = jsonMaxIssues

func (n *jsonNotes) add(note jsonNote) {
	if len(n.list) >= jsonMaxNotes {
		n.capped = true
		return
	}
	n.list = append(n.list, note)
}

// jsonKeys finds the repeated keys of one object. The keys of the open
// objects share one stack in jsonNotes (an object's keys sit above its
// parent's, and are dropped when it closes); they are compared by value
// (an escaped spelling repeats the plain one), in order in a small object
// and through a map in a large one.
type jsonKeys struct {
	base int
	m    map[string]struct{}
}

type jsonKeyRef struct {
	raw []byte
	esc bool
}

// jsonKeysMap is the number of keys above which an object's keys go into
// a map.
const jsonKeysMap = 32

// open starts the keys of an object.
func (n *jsonNotes) open() jsonKeys { return jsonKeys{base: len(n.keys)} }

// close drops the keys of the object k.
func (n *jsonNotes) close(k *jsonKeys) { n.keys = n.keys[:k.base] }

// seen records a key of the object k and reports whether it had it.
func (n *jsonNotes) seen(k *jsonKeys, raw []byte, esc bool) bool {
	if k.m != nil {
		key := jsonKeyString(raw, esc)
		if _, ok := k.m[key]; ok {
			return true
		}
		k.m[key] = struct{}{}
		return false
	}
	for _, o := range n.keys[k.base:] {
		if !esc && !o.esc {
			if bytes.Equal(o.raw, raw) {
				return true
			}
			continue
		}
		if jsonKeyString(o.raw, o.esc) == jsonKeyString(raw, esc) {
			return true
		}
	}
	n.keys = append(n.keys, jsonKeyRef{raw: raw, esc: esc})
	if len(n.keys)-k.base > jsonKeysMap {
		k.m = make(map[string]struct{}, 4*jsonKeysMap)
		for _, o := range n.keys[k.base:] {
			k.m[jsonKeyString(o.raw, o.esc)] = struct{}{}
		}
		n.keys = n.keys[:k.base]
	}
	return false
}

// jsonKeyString is a key's value.
func jsonKeyString(raw []byte, esc bool) string {
	if !esc {
		return string(raw)
	}
	return string(jsonUnescape(nil, raw))
}

// noteDup notes the key at off if the object k already has it.
func (n *jsonNotes) noteDup(k *jsonKeys, off int, raw []byte, esc bool) {
	if n.seen(k, raw, esc) {
		n.add(jsonNote{off: off, key: true, isDup: true, dup: jsonKeyString(raw, esc)})
	}
}

// noteIssues turns the notes into issues, their pointers found at the end
// like those of dependency references.
func (w *jsonWalker) noteIssues() []jsonIssue {
	n := w.sc.notes
	if n == nil || len(n.list) == 0 {
		return nil
	}
	if n.capped {
		w.capped = true
	}
	out := make([]jsonIssue, 0, len(n.list))
	for _, note := range n.list {
		need := note.off
		if note.key {
			need = jsonValueAfterKey(w.sc.data, note.off)
		}
		var msg string
		switch {
		case note.isDup:
			msg = "repeats the key " + strconv.Quote(note.dup) + " of its object; keys must be unique, or readers disagree on which value counts"
		case note.key:
			msg = "the key is not valid UTF-8; readers replace the invalid bytes with U+FFFD"
		default:
			msg = "is not valid UTF-8; readers replace the invalid bytes with U+FFFD"
		}
		out = append(out, jsonIssue{ptr: jsonPtrMark, off: note.off, need: need, msg: msg})
	}
	return out
}

// jsonValueAfterKey returns the offset of the value of the member whose
// key starts at off.
func jsonValueAfterKey(data []byte, off int) int {
	s := jsonScanner{data: data, pos: off}
	s.key()
	s.ws()
	return s.pos
}

// mergeNotes places the notes' issues among the walk's in document order
// and applies the cap.
func (w *jsonWalker) mergeNotes() {
	add := w.noteIssues()
	if len(add) == 0 {
		return
	}
	sort.SliceStable(add, func(i, j int) bool { return add[i].off < add[j].off })
	merged := make([]jsonIssue, 0, len(w.issues)+len(add))
	i, j := 0, 0
	for i < len(w.issues) || j < len(add) {
		if j < len(add) && (i == len(w.issues) || (w.issues[i].off >= 0 && add[j].off < w.issues[i].off)) {
			merged = append(merged, add[j])
			j++
			continue
		}
		merged = append(merged, w.issues[i])
		i++
	}
	if len(merged) > jsonMaxIssues {
		merged = merged[:jsonMaxIssues]
		w.capped = true
	}
	w.issues = merged
}

// JSONText reports, for any JSON document, the objects that repeat a key
// and the strings (values or keys) that are not UTF-8, each with its JSON
// pointer and line, as CycloneDXJSON does for CycloneDX. Readers accept
// both silently (the last repeated member wins, invalid bytes become
// U+FFFD), so strict mode reports them for every JSON format. It returns
// nil when there are none, or when data is not JSON (the format's own
// validation says why).
func JSONText(data []byte) []Issue {
	if uint64(len(data)) > jsonMaxSize {
		return nil
	}
	w := &jsonWalker{sc: jsonScanner{data: data, notes: &jsonNotes{}}}
	w.sc.skip(nil, 0)
	w.sc.end()
	if w.sc.err != nil {
		return nil
	}
	return w.result()
}
