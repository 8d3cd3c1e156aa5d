package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// MaxFileBytes bounds a configuration file.
const MaxFileBytes = 1 << 20

// fileValue is one setting read from a configuration file.
type fileValue struct {
	value string
	line  int
}

// readFile reads a configuration file of at most MaxFileBytes.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("config file %s: larger than %d bytes", name, MaxFileBytes)
	}
	return data, nil
}

// parseFile parses rocca's configuration file format, a subset of TOML:
// one `key = value` per line; blank lines and lines starting with # are
// ignored; a value is a "basic string" (with backslash escapes), a
// 'literal string', or a bare word (number, duration, word) that ends at a
// # preceded by a space. Keys must be among known; each may appear once.
// Errors name the line.
func parseFile(data []byte, known func(string) bool) (map[string]fileValue, error) {
	out := map[string]fileValue{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		key, raw, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want key = value", n)
		}
		key = strings.TrimSpace(key)
		if !validKey(key) {
			return nil, fmt.Errorf("line %d: invalid key %q", n, key)
		}
		if !known(key) {
			return nil, fmt.Errorf("line %d: unknown setting %q", n, key)
		}
		if prev, dup := out[key]; dup {
			return nil, fmt.Errorf("line %d: %s already set on line %d", n, key, prev.line)
		}
		v, err := parseValue(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %w", n, key, err)
		}
		out[key] = fileValue{value: v, line: n}
	}
	return out, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// parseValue decodes the right-hand side of a line.
func parseValue(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("empty value")
	}
	var val, rest string
	switch raw[0] {
	case '"':
		end := closingQuote(raw)
		if end < 0 {
			return "", errors.New("unterminated string")
		}
		s, err := strconv.Unquote(raw[:end+1])
		if err != nil {
			return "", fmt.Errorf("invalid string %s", raw[:end+1])
		}
		val, rest = s, raw[end+1:]
	case '\'':
		end := strings.IndexByte(raw[1:], '\'')
		if end < 0 {
			return "", errors.New("unterminated string")
		}
		val, rest = raw[1:end+1], raw[end+2:]
	default:
		val = raw
		if i := strings.Index(raw, " #"); i >= 0 {
			val = strings.TrimSpace(raw[:i])
		} else if i := strings.Index(raw, "\t#"); i >= 0 {
			val = strings.TrimSpace(raw[:i])
		}
		if strings.ContainsAny(val, `"'`) {
			return "", fmt.Errorf("quote inside a bare value %q: quote the whole value", val)
		}
		return val, nil
	}
	rest = strings.TrimSpace(rest)
	if rest != "" && rest[0] != '#' {
		return "", fmt.Errorf("unexpected %q after the string", rest)
	}
	return val, nil
}

// closingQuote returns the index of the quote closing the basic string
// starting at s[0], or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
