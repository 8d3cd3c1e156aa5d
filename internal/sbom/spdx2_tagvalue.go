package sbom

import (
	"bytes"
	"strings"

	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	tvreader "github.com/spdx/tools-golang/tagvalue/reader"
)

// tvPairs are the tag/value pairs of a tag-value document and the line
// each one starts on.
type tvPairs struct {
	list  []tvreader.TagValuePair
	lines []int
}

// tagValuePairs splits d.data into tag/value pairs as the SPDX tag-value
// format defines them: one "Tag: value" per line, blank lines and lines
// starting with '#' ignored, and values between <text> and </text> free to
// span lines. Unlike the library's tokenizer it keeps the line of every
// pair and has no line-length limit. It also counts packages against
// MaxComponents before anything is parsed.
func (d *document) tagValuePairs() (*tvPairs, error) {
	p := &tvPairs{}
	var (
		inText    bool
		textStart int
		tag       string
		value     strings.Builder
		packages  int
	)
	data := d.data
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if inText {
			if k := bytes.Index(line, []byte("</text>")); k >= 0 {
				value.Write(line[:k])
				p.add(tag, value.String(), textStart)
				inText = false
			} else {
				value.Write(line)
				value.WriteByte('\n')
			}
			continue
		}
		trimmed := bytes.TrimLeft(line, " \t\f\v")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		colon := bytes.IndexByte(trimmed, ':')
		if colon < 0 {
			return nil, d.lineError(lineNo, wrapf(ErrSyntax, "sbom.tagvalue_colon", "no colon in %s: tag-value lines are \"Tag: value\"", quoteStart(trimmed, 40)))
		}
		tag = string(bytes.TrimSpace(trimmed[:colon]))
		rest := trimmed[colon+1:]
		if tag == "PackageName" {
			if packages++; packages > d.lim.MaxComponents {
				return nil, d.lineError(lineNo, wrapf(ErrTooManyComponents, "sbom.too_many_packages_tv", "more than the limit of %d packages", d.lim.MaxComponents))
			}
		}
		j := bytes.Index(rest, []byte("<text>"))
		if j < 0 {
			p.add(tag, string(bytes.TrimSpace(rest)), lineNo)
			continue
		}
		after := rest[j+len("<text>"):]
		if k := bytes.Index(after, []byte("</text>")); k >= 0 {
			p.add(tag, string(after[:k]), lineNo)
			continue
		}
		value.Reset()
		value.Write(after)
		value.WriteByte('\n')
		inText, textStart = true, lineNo
	}
	if inText {
		return nil, d.lineError(textStart, wrapf(ErrSyntax, "sbom.tagvalue_text", "%s: <text> is never closed by </text>", clip(tag, 40)))
	}
	return p, nil
}

func (p *tvPairs) add(tag, value string, line int) {
	p.list = append(p.list, tvreader.TagValuePair{Tag: tag, Value: value})
	p.lines = append(p.lines, line)
}

// failingLine finds the line of the pair at which parse fails with err.
// The library's parser consumes pairs in order and does not say which one
// it failed on, so this looks for the shortest prefix of the pairs that
// fails with the same message (a binary search: a few more parses, on the
// error path only). A package missing its SPDXID is reported at its
// PackageName line.
func (p *tvPairs) failingLine(parse func(n int) (*v2_3.Document, error), err error) int {
	msg := err.Error()
	fails := func(n int) bool {
		_, e := parse(n)
		return e != nil && e.Error() == msg
	}
	lo, hi := 0, len(p.list) // fails(hi) holds; find the least such n
	for lo < hi {
		mid := lo + (hi-lo)/2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == 0 || lo > len(p.lines) {
		return 0
	}
	return p.lines[lo-1]
}

// snippetSectionEnd are the tags that end a snippet section.
var snippetSectionEnd = map[string]bool{"PackageName": true, "FileName": true, "LicenseID": true, "Relationship": true, "Annotator": true, "Reviewer": true, "SnippetSPDXID": true}

// dropOrphanSnippets removes the snippet sections that do not follow a
// file section and returns the lines they started on. The library's parser
// attaches snippets to the file before them and fails on a snippet that
// follows a package, although the specification lets snippet sections
// stand after any section (the SPDX 2.2 example document has one). rocca
// does not read snippets, so dropping them loses nothing it uses.
func (p *tvPairs) dropOrphanSnippets() []int {
	var dropped []int
	inFile, skipping := false, false
	list, lines := p.list[:0], p.lines[:0]
	for i, pair := range p.list {
		if skipping && snippetSectionEnd[pair.Tag] {
			skipping = false
		}
		switch pair.Tag {
		case "FileName":
			inFile = true
		case "PackageName", "LicenseID":
			inFile = false
		case "SnippetSPDXID":
			if !inFile {
				skipping = true
				dropped = append(dropped, p.lines[i])
			}
		}
		if skipping {
			continue
		}
		list, lines = append(list, pair), append(lines, p.lines[i])
	}
	p.list, p.lines = list, lines
	return dropped
}
