package redact

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"testing"
)

func TestDatabaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://rocca:secret@db:5432/rocca", "postgres://rocca:***@db:5432/rocca"},
		{"postgresql://rocca:s%40cr%2Ft@db/rocca?sslmode=require", "postgresql://rocca:***@db/rocca?sslmode=require"},
		{"postgres://rocca:p@ss/w@rd@db/rocca", "postgres://rocca:***@db/rocca"}, // unescaped '@' and '/'
		{"postgres://rocca:bad%zz@db/rocca", "postgres://rocca:***@db/rocca"},    // no URL parser accepts it
		{"postgres://rocca@db/rocca?password=secret", "postgres://rocca@db/rocca?password=***"},
		{"postgres://rocca@db/rocca?sslmode=disable&PASSWORD=secret&x=1", "postgres://rocca@db/rocca?sslmode=disable&PASSWORD=***&x=1"},
		{"postgres://rocca@db/rocca?sslpassword=keypass", "postgres://rocca@db/rocca?sslpassword=***"},
		{"postgres://rocca@db/rocca?pass%77ord=secret", "postgres://rocca@db/rocca?pass%77ord=***"},
		{"postgres://u:a@h1:5432,h2:5432/db?password=b#frag", "postgres://u:***@h1:5432,h2:5432/db?password=***#frag"},
		{"postgres://rocca@db/rocca", "postgres://rocca@db/rocca"},
		{"postgres://db/rocca?options=a@b", "postgres://db/rocca?options=a@b"},
		{"host=db user=rocca password=secret dbname=rocca", "host=db user=rocca password=*** dbname=rocca"},
		{"host=db password = 'se cret' dbname=rocca", "host=db password = *** dbname=rocca"},
		{"/var/lib/rocca/rocca.db", "/var/lib/rocca/rocca.db"},
		{"file:/var/lib/rocca/rocca.db?_pragma=busy_timeout(10)", "file:/var/lib/rocca/rocca.db?_pragma=busy_timeout(10)"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := DatabaseURL(tt.in); got != tt.want {
			t.Errorf("DatabaseURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecrets(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"postgres://rocca:s%40cret@db/rocca?password=q%2Bw&sslpassword=k", []string{"s%40cret", "s@cret", "q%2Bw", "q+w", "k"}},
		{"postgres://rocca:@db/rocca?password=", nil},
		{"host=db password='a b' sslpassword=k2", []string{"a b", "k2"}},
		{"/var/lib/rocca/rocca.db", nil},
	}
	for _, tt := range tests {
		if got := Secrets(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Secrets(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	const dbURL = "postgres://rocca:s%40cret@db/rocca?password=other"
	tests := []struct{ msg, want string }{
		// The URL repeated verbatim.
		{"cannot parse `" + dbURL + "`: bad", "cannot parse `postgres://rocca:***@db/rocca?password=***`: bad"},
		// A password repeated decoded, alone.
		{"auth failed for s@cret", "auth failed for ***"},
		{"other and s%40cret", "*** and ***"},
		// A key=value form the driver printed.
		{"failed to connect to `user=rocca password=other database=rocca`", "failed to connect to `user=rocca password=*** database=rocca`"},
		{"nothing secret here", "nothing secret here"},
	}
	for _, tt := range tests {
		if got := Message(tt.msg, dbURL); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
	if got := Message("connect to host=db password=x1 failed", ""); got != "connect to host=db password=*** failed" {
		t.Errorf("Message without a URL = %q", got)
	}
}

func TestError(t *testing.T) {
	const dbURL = "host=db password=hunter2"
	base := fmt.Errorf("open %s: %w", dbURL, fs.ErrPermission)
	err := Error(base, dbURL)
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Error kept the password: %v", err)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Error lost the wrapped error: %v", err)
	}
	clean := errors.New("no secret")
	if Error(clean, dbURL) != clean {
		t.Error("Error wrapped an error that needed no redaction")
	}
	if Error(nil, dbURL) != nil {
		t.Error("Error(nil) is not nil")
	}
}

// FuzzMessage builds database URLs around arbitrary passwords and checks
// that Message removes every password from a message repeating the URL and
// the passwords, and that DatabaseURL keeps none; and that nothing panics
// on any input.
func FuzzMessage(f *testing.F) {
	for _, s := range [][2]string{
		{"secret", "other"}, {"p@ss/w@rd", "x"}, {"a b", "q+w"}, {"bad%zz", "%"}, {"ü∂", "&password=x"},
		{"1", "x y=z"}, {"'quoted'", "sslpassword"}, {"a:b?c#d", "`e`"},
	} {
		f.Add(s[0], s[1], "connect failed: ")
	}
	f.Fuzz(func(t *testing.T, userPW, queryPW, msg string) {
		_ = DatabaseURL(msg)
		_ = Secrets(msg)
		_ = Message(msg, msg)
		if userPW == "" || queryPW == "" || strings.Contains(userPW+queryPW, "*") {
			return // a password with '*' may be rebuilt from the mask
		}
		const skeleton = "postgres://rocca:***@db.example:5432/rocca?sslmode=disable&password=***"
		for _, dbURL := range []string{
			"postgres://rocca:" + url.PathEscape(userPW) + "@db.example:5432/rocca?sslmode=disable&password=" + url.QueryEscape(queryPW),
			"postgres://" + url.UserPassword("rocca", userPW).String() + "@db.example:5432/rocca?sslmode=disable&password=" + url.QueryEscape(queryPW),
		} {
			out := Message(msg+dbURL+" "+userPW+" "+queryPW, dbURL)
			for _, pw := range append(Secrets(dbURL), userPW, queryPW) {
				if strings.Contains(out, pw) {
					t.Fatalf("password %q survives in %q", pw, out)
				}
			}
			if red := DatabaseURL(dbURL); red != skeleton {
				t.Fatalf("DatabaseURL(%q) = %q, want %q", dbURL, red, skeleton)
			}
		}
	})
}
