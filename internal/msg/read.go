package msg

import "regexp"

// Reader reads one stored English wording back as its sentence: Re
// matches the wording, Build makes the sentence from the submatches
// (false when one does not parse).
type Reader struct {
	Re    *regexp.Regexp
	Build func(m []string) (Text, bool)
}

// Read returns the sentence of the first reader, in order, that words s
// exactly as stored: a wording of another version of rocca, or text a
// person wrote that happens to match, is not read (ok false) and an
// interface shows it as it is.
func Read(readers []Reader, s string) (t Text, ok bool) {
	for _, r := range readers {
		m := r.Re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if t, ok := r.Build(m); ok && t.English == s {
			return t, true
		}
	}
	return Text{}, false
}
