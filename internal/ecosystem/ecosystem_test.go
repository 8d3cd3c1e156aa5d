package ecosystem

import (
	"strings"
	"testing"
)

func TestBase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Debian:12", "Debian"},
		{"Packagist:https://packages.drupal.org/8", "Packagist"},
		{"Ubuntu:Pro:18.04:LTS", "Ubuntu"},
		{"Red Hat:rhel_aus:8.6::appstream", "Red Hat"},
		{"PyPI", "PyPI"},
		{"", ""},
		{":x", ""},
	}
	for _, tt := range tests {
		if got := Base(tt.in); got != tt.want {
			t.Errorf("Base(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		eco, name, want string
	}{
		// PyPI: PEP 503.
		{"PyPI", "Django", "django"},
		{"PyPI", "Flask_Login", "flask-login"},
		{"PyPI", "zope.interface", "zope-interface"},
		{"PyPI", "a-_.-b", "a-b"},
		{"PyPI", "a__b..c", "a-b-c"},
		{"PyPI", "_private", "-private"},
		{"PyPI", "trailing.", "trailing-"},
		{"PyPI", "requests", "requests"},
		{"PyPI", "a--b", "a-b"},
		{"PyPI", "", ""},
		// Case-insensitive registries.
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Packagist", "Laravel/Framework", "laravel/framework"},
		{"Packagist:https://packages.drupal.org/8", "Drupal/Core", "drupal/core"},
		{"crates.io", "Inflector", "inflector"},
		{"crates.io", "serde_json", "serde_json"},
		{"Hex", "Phoenix", "phoenix"},
		{"Pub", "Http", "http"},
		{"Debian", "OpenSSL", "openssl"},
		{"Debian:12", "OpenSSL", "openssl"},
		{"Ubuntu:22.04:LTS", "Curl", "curl"},
		{"ConanCenter", "OpenSSL", "openssl"},
		{"Bitnami", "WordPress", "wordpress"},
		{"GitHub Actions", "Actions/Checkout", "actions/checkout"},
		{"VSCode", "MS-Python.Python", "ms-python.python"},
		// Case-sensitive (or not provably insensitive) registries.
		{"npm", "JSONStream", "JSONStream"},
		{"npm", "@Angular/Core", "@Angular/Core"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
		{"Maven", "HTTPClient:HTTPClient", "HTTPClient:HTTPClient"},
		{"RubyGems", "ActiveSupport", "ActiveSupport"},
		{"Hackage", "AC-HalfInteger", "AC-HalfInteger"},
		{"CRAN", "A3", "A3"},
		{"Red Hat:enterprise_linux:9", "PyYAML", "PyYAML"},
		{"AlmaLinux:9", "NetworkManager", "NetworkManager"},
		{"Julia", "HTTP", "HTTP"},
		{"SwiftURL", "github.com/Alamofire/Alamofire", "github.com/Alamofire/Alamofire"},
		{"Unknown", "MiXeD", "MiXeD"},
		// Non-ASCII is never folded.
		{"NuGet", "Ünicode", "Ünicode"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.eco, tt.name); got != tt.want {
			t.Errorf("NormalizeName(%q, %q) = %q, want %q", tt.eco, tt.name, got, tt.want)
		}
	}
}

// TestNormalizeNameIdempotent checks that normalising twice changes nothing,
// so both sides of a lookup may normalise freely.
func TestNormalizeNameIdempotent(t *testing.T) {
	names := []string{"Flask__Login", "a.-_B", "-_-", "X", "Zope.Interface", "ok"}
	for _, eco := range []string{PyPI, NuGet, Packagist, CratesIO, NPM, Go, Debian} {
		for _, n := range names {
			once := NormalizeName(eco, n)
			if twice := NormalizeName(eco, once); twice != once {
				t.Errorf("%s: NormalizeName(%q) = %q, then %q", eco, n, once, twice)
			}
		}
	}
}

func TestNormalizeNameNoAllocWhenCanonical(t *testing.T) {
	cases := []struct{ eco, name string }{
		{PyPI, "django-allauth"},
		{NuGet, "newtonsoft.json"},
		{Packagist, "laravel/framework"},
		{"Debian:12", "openssl"},
		{NPM, "JSONStream"},
		{Go, "github.com/BurntSushi/toml"},
	}
	for _, c := range cases {
		allocs := testing.AllocsPerRun(100, func() {
			if NormalizeName(c.eco, c.name) != c.name {
				t.Fatalf("NormalizeName(%q, %q) changed a canonical name", c.eco, c.name)
			}
		})
		if allocs != 0 {
			t.Errorf("NormalizeName(%q, %q): %v allocations, want 0", c.eco, c.name, allocs)
		}
	}
}

func BenchmarkNormalizeName(b *testing.B) {
	names := []string{"django-allauth", "Flask_Login", "requests", strings.Repeat("x", 40)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		NormalizeName("PyPI", names[i%len(names)])
	}
}
