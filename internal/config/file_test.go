package config

import (
	"strings"
	"testing"
)

func TestParseFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{"empty", "", map[string]string{}, ""},
		{"comments and blanks", "# c\n\n   # indented\r\n", map[string]string{}, ""},
		{"bare", "workers = 4\naddr=127.0.0.1:1\n", map[string]string{"workers": "4", "addr": "127.0.0.1:1"}, ""},
		{"bare with comment", "workers = 4 # four\n", map[string]string{"workers": "4"}, ""},
		{"bare keeps #", "database = /srv/a#b.db\n", map[string]string{"database": "/srv/a#b.db"}, ""},
		{"basic string", `database = "C:\\rocca\\db # not a comment"  # comment`, map[string]string{"database": `C:\rocca\db # not a comment`}, ""},
		{"literal string", `database = 'C:\rocca'`, map[string]string{"database": `C:\rocca`}, ""},
		{"crlf", "workers = 4\r\nbacklog = 9\r\n", map[string]string{"workers": "4", "backlog": "9"}, ""},
		{"no equals", "workers 4", nil, "line 1: want key = value"},
		{"unknown key", "\nport = 80", nil, `line 2: unknown setting "port"`},
		{"invalid key", "Workers = 4", nil, "line 1: invalid key"},
		{"duplicate", "workers = 1\nworkers = 2", nil, "line 2: workers already set on line 1"},
		{"empty value", "workers =", nil, "empty value"},
		{"unterminated", `addr = "127.0.0.1:1`, nil, "unterminated string"},
		{"unterminated literal", `addr = '127.0.0.1:1`, nil, "unterminated string"},
		{"junk after string", `addr = "a" b`, nil, "after the string"},
		{"bad escape", `addr = "\q"`, nil, "invalid string"},
		{"stray quote", `addr = a"b`, nil, "quote inside a bare value"},
		{"section", "[server]", nil, "want key = value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFile([]byte(tt.in), knownKey)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k].value != v {
					t.Errorf("%s = %q, want %q", k, got[k].value, v)
				}
			}
		})
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{{"1", 1}, {"52428800", 50 << 20}, {"50MiB", 50 << 20}, {"64 KiB", 64 << 10}, {"4GiB", 4 << 30}, {"10B", 10},
		{"0", 0}, {"-1", 0}, {"4097MiB", 0}, {"1.5MiB", 0}, {"MiB", 0}, {"9223372036854775807GiB", 0}}
	for _, tt := range tests {
		got, err := parseBytes(tt.in)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("parseBytes(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseBytes(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParseFile checks that the file parser never panics and that what it
// accepts holds only known keys with line numbers inside the input.
func FuzzParseFile(f *testing.F) {
	for _, s := range []string{
		"", "workers = 4\n", `database = "a\"b" # c`, "addr = 'x'\n#c\nbacklog=1", "k", "=", `a = "`, "workers = 1\nworkers = 2",
		"max_bom_bytes = 50MiB\r\nshutdown_timeout = 30s\n", "log_level = \"\\u00e9\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseFile(data, knownKey)
		if err != nil {
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for k, v := range got {
			if !knownKey(k) {
				t.Fatalf("unknown key %q accepted", k)
			}
			if v.line < 1 || v.line > lines {
				t.Fatalf("line %d outside 1..%d", v.line, lines)
			}
		}
	})
}
