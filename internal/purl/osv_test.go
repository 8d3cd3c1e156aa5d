package purl

import (
	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/rocca-project/rocca/internal/ecosystem"
	"github.com/rocca-project/rocca/internal/testutil"
)

func TestToOSV(t *testing.T) {
	tests := []struct {
		purl string
		want Coordinates
	}{
		// Language ecosystems.
		{"pkg:npm/lodash@4.17.21", Coordinates{"npm", "lodash", "4.17.21"}},
		{"pkg:npm/%40angular/core@17.0.0", Coordinates{"npm", "@angular/core", "17.0.0"}},
		{"pkg:npm/@babel/core@7.23.0", Coordinates{"npm", "@babel/core", "7.23.0"}},
		{"pkg:npm/JSONStream@1.3.5", Coordinates{"npm", "JSONStream", "1.3.5"}},
		{"pkg:pypi/Django@4.2.1", Coordinates{"PyPI", "django", "4.2.1"}},
		{"pkg:pypi/Flask_Login@0.6.3", Coordinates{"PyPI", "flask-login", "0.6.3"}},
		{"pkg:pypi/zope.interface@6.0", Coordinates{"PyPI", "zope-interface", "6.0"}},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Coordinates{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"}},
		{"pkg:maven/HTTPClient/HTTPClient@0.3-3?type=jar", Coordinates{"Maven", "HTTPClient:HTTPClient", "0.3-3"}},
		{"pkg:cargo/Inflector@0.11.4", Coordinates{"crates.io", "inflector", "0.11.4"}},
		{"pkg:cargo/serde_json@1.0.100", Coordinates{"crates.io", "serde_json", "1.0.100"}},
		{"pkg:gem/rails@7.0.4", Coordinates{"RubyGems", "rails", "7.0.4"}},
		{"pkg:gem/jruby-launcher@1.1.2?platform=java", Coordinates{"RubyGems", "jruby-launcher", "1.1.2"}},
		{"pkg:nuget/Newtonsoft.Json@13.0.1", Coordinates{"NuGet", "newtonsoft.json", "13.0.1"}},
		{"pkg:composer/Laravel/Framework@10.0.0", Coordinates{"Packagist", "laravel/framework", "10.0.0"}},
		{"pkg:composer/drupal/core@10.1.0?repository_url=https://packages.drupal.org/8", Coordinates{"Packagist", "drupal/core", "10.1.0"}},
		{"pkg:hex/Phoenix@1.7.0", Coordinates{"Hex", "phoenix", "1.7.0"}},
		{"pkg:pub/http@1.1.0", Coordinates{"Pub", "http", "1.1.0"}},
		{"pkg:hackage/AC-HalfInteger@1.2.1", Coordinates{"Hackage", "AC-HalfInteger", "1.2.1"}},
		{"pkg:cran/A3@1.0.0", Coordinates{"CRAN", "A3", "1.0.0"}},
		{"pkg:swift/github.com/Alamofire/Alamofire@5.4.3", Coordinates{"SwiftURL", "github.com/Alamofire/Alamofire", "5.4.3"}},
		{"pkg:bitnami/wordpress@6.2.0?distro=debian-12", Coordinates{"Bitnami", "wordpress", "6.2.0"}},
		{"pkg:julia/HTTP@1.10.0?uuid=cd3eb016-35fb-5094-929b-558a96fad6f3", Coordinates{"Julia", "HTTP", "1.10.0"}},
		{"pkg:opam/ocaml@4.14.0", Coordinates{"opam", "ocaml", "4.14.0"}},
		{"pkg:conan/openssl@3.0.3", Coordinates{"ConanCenter", "openssl", "3.0.3"}},
		{"pkg:conan/openssl.org/OpenSSL@3.0.3?channel=stable", Coordinates{"ConanCenter", "openssl", "3.0.3"}},
		{"pkg:githubactions/actions/checkout@v4.1.0", Coordinates{"GitHub Actions", "actions/checkout", "4.1.0"}},
		{"pkg:githubactions/Azure/login@main", Coordinates{"GitHub Actions", "azure/login", "main"}},
		{"pkg:vscode-extension/ms-python/python@2024.10.0", Coordinates{"VSCode", "ms-python.python", "2024.10.0"}},

		// Go.
		{"pkg:golang/github.com/BurntSushi/toml@v1.3.2", Coordinates{"Go", "github.com/BurntSushi/toml", "1.3.2"}},
		{"pkg:golang/golang.org/x/net@v0.0.0-20220722155237-a158d28d115b", Coordinates{"Go", "golang.org/x/net", "0.0.0-20220722155237-a158d28d115b"}},
		{"pkg:golang/github.com/docker/docker@v20.10.24+incompatible", Coordinates{"Go", "github.com/docker/docker", "20.10.24+incompatible"}},
		{"pkg:golang/github.com/foo/bar/v2@v2.1.0#pkg/sub", Coordinates{"Go", "github.com/foo/bar/v2", "2.1.0"}},
		{"pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c", Coordinates{"Go", "github.com/gorilla/context", "234fd47e07d1004f0aed9c"}},
		{"pkg:golang/stdlib@go1.20.1", Coordinates{"Go", "stdlib", "1.20.1"}},
		{"pkg:golang/std@go1.20.1", Coordinates{"Go", "stdlib", "1.20.1"}},
		{"pkg:golang/stdlib@v1.21.5", Coordinates{"Go", "stdlib", "1.21.5"}},
		{"pkg:golang/stdlib@1.22.0", Coordinates{"Go", "stdlib", "1.22.0"}},
		{"pkg:golang/stdlib@go1.20", Coordinates{"Go", "stdlib", "1.20.0"}},
		{"pkg:golang/stdlib@go1.21rc2", Coordinates{"Go", "stdlib", "1.21.0-rc.2"}},
		{"pkg:golang/stdlib@go1.9.2rc2", Coordinates{"Go", "stdlib", "1.9.2-rc.2"}},
		{"pkg:golang/stdlib@go1.22beta1", Coordinates{"Go", "stdlib", "1.22.0-beta.1"}},
		{"pkg:golang/stdlib@devel", Coordinates{"Go", "stdlib", "devel"}},
		{"pkg:golang/toolchain@go1.21.0", Coordinates{"Go", "toolchain", "1.21.0"}},

		// Debian and Ubuntu.
		{"pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u4?distro=debian-11", Coordinates{"Debian:11", "openssl", "1.1.1n-0+deb11u4"}},
		{"pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u4?distro=bullseye", Coordinates{"Debian:11", "openssl", "1.1.1n-0+deb11u4"}},
		{"pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=bookworm", Coordinates{"Debian:12", "curl", "7.88.1-10"}},
		{"pkg:deb/debian/curl@7.88.1-10?distro=debian-bookworm", Coordinates{"Debian:12", "curl", "7.88.1-10"}},
		{"pkg:deb/debian/curl@7.88.1-10?distro=12.4", Coordinates{"Debian:12", "curl", "7.88.1-10"}},
		{"pkg:deb/debian/curl@7.50.3-1?distro=jessie", Coordinates{"Debian:8", "curl", "7.50.3-1"}},
		{"pkg:deb/debian/curl@7.15.5-1?distro=etch", Coordinates{"Debian:4.0", "curl", "7.15.5-1"}},
		{"pkg:deb/debian/curl@8.5.0-2?distro=debian-sid", Coordinates{"Debian:sid", "curl", "8.5.0-2"}},
		{"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12&upstream=openssl", Coordinates{"Debian:12", "openssl", "3.0.11-1~deb12u2"}},
		{"pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u4%2Bb1?distro=debian-11&upstream=openssl%401.1.1n-0%2Bdeb11u4", Coordinates{"Debian:11", "openssl", "1.1.1n-0+deb11u4"}},
		{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.14?distro=ubuntu-22.04", Coordinates{"Ubuntu:22.04:LTS", "curl", "7.81.0-1ubuntu1.14"}},
		{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.14?distro=jammy", Coordinates{"Ubuntu:22.04:LTS", "curl", "7.81.0-1ubuntu1.14"}},
		{"pkg:deb/ubuntu/curl@8.5.0-2ubuntu10?distro=ubuntu-24.04", Coordinates{"Ubuntu:24.04:LTS", "curl", "8.5.0-2ubuntu10"}},
		{"pkg:deb/ubuntu/curl@7.88.1-8ubuntu2?distro=ubuntu-23.04", Coordinates{"Ubuntu:23.04", "curl", "7.88.1-8ubuntu2"}},
		{"pkg:deb/ubuntu/curl@7.68.0-1ubuntu2?distro=20.04.6", Coordinates{"Ubuntu:20.04:LTS", "curl", "7.68.0-1ubuntu2"}},
		{"pkg:deb/ubuntu/curl@7.58.0?distro=bionic", Coordinates{"Ubuntu:18.04:LTS", "curl", "7.58.0"}},
		{"pkg:deb/ubuntu/curl@7.52.1?distro=ubuntu-17.10", Coordinates{"Ubuntu:17.10", "curl", "7.52.1"}},
		{"pkg:deb/ubuntu/curl@7.15.1?distro=dapper", Coordinates{"Ubuntu:6.06:LTS", "curl", "7.15.1"}},

		// RPM distributions.
		{"pkg:rpm/almalinux/openssl@3.0.7-24.el9?distro=almalinux-9", Coordinates{"AlmaLinux:9", "openssl", "3.0.7-24.el9"}},
		{"pkg:rpm/almalinux/openssl@1.1.1k-9.el8_7?distro=almalinux-8.7&arch=x86_64", Coordinates{"AlmaLinux:8", "openssl", "1.1.1k-9.el8_7"}},
		{"pkg:rpm/almalinux/openssl@1.1.1k-9.el8_7?distro=el8", Coordinates{"AlmaLinux:8", "openssl", "1.1.1k-9.el8_7"}},
		{"pkg:rpm/almalinux/openssl@1.1.1k-9.el8_7?distro=el8&epoch=1", Coordinates{"AlmaLinux:8", "openssl", "1:1.1.1k-9.el8_7"}},
		{"pkg:rpm/almalinux/openssl-libs@1.1.1k-9.el8_7?distro=el8&epoch=1&upstream=openssl-1.1.1k-9.el8_7.src.rpm", Coordinates{"AlmaLinux:8", "openssl", "1:1.1.1k-9.el8_7"}},
		{"pkg:rpm/almalinux/NetworkManager@1.40.0-1.el9?distro=almalinux-9", Coordinates{"AlmaLinux:9", "NetworkManager", "1.40.0-1.el9"}},
		{"pkg:rpm/rocky/openssl@3.0.7-24.el9?distro=rocky-9.3", Coordinates{"Rocky Linux:9", "openssl", "3.0.7-24.el9"}},
		{"pkg:rpm/rocky/openssl@3.0.7-24.el9?distro=el9", Coordinates{"Rocky Linux:9", "openssl", "3.0.7-24.el9"}},
		{"pkg:rpm/redhat/openssl@3.0.7-24.el9?distro=rhel-9.2", Coordinates{"Red Hat:enterprise_linux:9", "openssl", "3.0.7-24.el9"}},
		{"pkg:rpm/redhat/PyYAML@5.4.1-1.el8?distro=el8&epoch=0", Coordinates{"Red Hat:enterprise_linux:8", "PyYAML", "0:5.4.1-1.el8"}},
		{"pkg:rpm/redhat/bash@1:5.1-6.el9?distro=el9&epoch=1", Coordinates{"Red Hat:enterprise_linux:9", "bash", "1:5.1-6.el9"}},
		{"pkg:rpm/opensuse/curl@8.0.1-150400.5.26.1?distro=opensuse-leap-15.5", Coordinates{"openSUSE:Leap 15.5", "curl", "8.0.1-150400.5.26.1"}},
		{"pkg:rpm/opensuse/curl@8.5.0-1.1?distro=opensuse-tumbleweed-20240101", Coordinates{"openSUSE:Tumbleweed", "curl", "8.5.0-1.1"}},
		{"pkg:rpm/opensuse/curl@8.5.0-1.1?distro=opensuse-tumbleweed", Coordinates{"openSUSE:Tumbleweed", "curl", "8.5.0-1.1"}},
		{"pkg:rpm/opensuse/curl@7.79.1-1.1?distro=opensuse-15.3", Coordinates{"openSUSE:Leap 15.3", "curl", "7.79.1-1.1"}},
		{"pkg:rpm/suse/curl@8.0.1-150400.5.26.1?distro=sles-15.5", Coordinates{"SUSE:Linux Enterprise Server 15 SP5", "curl", "8.0.1-150400.5.26.1"}},
		{"pkg:rpm/suse/curl@7.60.0-11.1?distro=sles-15", Coordinates{"SUSE:Linux Enterprise Server 15", "curl", "7.60.0-11.1"}},
		{"pkg:rpm/suse/curl@8.0.1-1.1?distro=sle-micro-5.5", Coordinates{"SUSE:Linux Enterprise Micro 5.5", "curl", "8.0.1-1.1"}},
		{"pkg:rpm/mageia/curl@8.4.0-1.mga9?distro=mageia-9", Coordinates{"Mageia:9", "curl", "8.4.0-1.mga9"}},
		{"pkg:rpm/photon/curl@8.1.2-1.ph5?distro=photon-5.0", Coordinates{"Photon OS:5.0", "curl", "8.1.2-1.ph5"}},
		{"pkg:rpm/photon/curl@7.86.0-1.ph3?distro=photon-3", Coordinates{"Photon OS:3.0", "curl", "7.86.0-1.ph3"}},

		// Alpine and its relatives.
		{"pkg:apk/alpine/openssl@3.1.4-r5?distro=3.19.1", Coordinates{"Alpine:v3.19", "openssl", "3.1.4-r5"}},
		{"pkg:apk/alpine/openssl@3.1.4-r5?arch=x86_64&distro=alpine-3.19", Coordinates{"Alpine:v3.19", "openssl", "3.1.4-r5"}},
		{"pkg:apk/alpine/openssl@3.1.4-r5?distro=alpine-3.19.1", Coordinates{"Alpine:v3.19", "openssl", "3.1.4-r5"}},
		{"pkg:apk/alpine/openssl@3.1.4-r5?distro=v3.19", Coordinates{"Alpine:v3.19", "openssl", "3.1.4-r5"}},
		{"pkg:apk/alpine/libcrypto3@3.1.4-r5?distro=3.19.1&upstream=openssl", Coordinates{"Alpine:v3.19", "openssl", "3.1.4-r5"}},
		{"pkg:apk/wolfi/openssl@3.2.0-r0", Coordinates{"Wolfi", "openssl", "3.2.0-r0"}},
		{"pkg:apk/chainguard/openssl@3.2.0-r0", Coordinates{"Chainguard", "openssl", "3.2.0-r0"}},
	}
	for _, tt := range tests {
		p, err := Parse(tt.purl)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.purl, err)
			continue
		}
		got, err := ToOSV(p)
		if err != nil {
			t.Errorf("ToOSV(%q): %v", tt.purl, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ToOSV(%q) = %+v, want %+v", tt.purl, got, tt.want)
		}
	}
}

func TestToOSVErrors(t *testing.T) {
	tests := []struct{ purl, want string }{
		{"pkg:cocoapods/AFNetworking@4.0.1", `purl type "cocoapods" has no OSV ecosystem`},
		{"pkg:docker/library/nginx@1.25", `purl type "docker" has no OSV ecosystem`},
		{"pkg:generic/openssl@1.1.1", `purl type "generic" has no OSV ecosystem`},
		{"pkg:github/package-url/purl-spec@v1", `purl type "github" has no OSV ecosystem`},
		{"pkg:npm/lodash", "no version"},
		{"pkg:golang/stdlib", "no version"},
		{"pkg:hex/acme/foo@2.3.0", `hex package of organisation "acme" is private`},
		{"pkg:githubactions/checkout@v4", "githubactions purl has no namespace"},
		{"pkg:deb/debian/openssl@1.1.1n-0", "needs a distro qualifier"},
		{"pkg:deb/ubuntu/curl@7.81.0", "needs a distro qualifier"},
		{"pkg:rpm/almalinux/openssl@3.0.7", "needs a distro qualifier"},
		{"pkg:rpm/redhat/openssl@3.0.7", "needs a distro qualifier"},
		{"pkg:apk/alpine/openssl@3.1.4-r5", "needs a distro qualifier"},
		{"pkg:deb/debian/curl@1?distro=ubuntu-22.04", `distro "ubuntu-22.04" is not a Debian release`},
		{"pkg:deb/debian/curl@1?distro=testing", `distro "testing" is not a Debian release`},
		{"pkg:deb/ubuntu/curl@1?distro=ubuntu-22", `distro "ubuntu-22" is not an Ubuntu release`},
		{"pkg:deb/ubuntu/curl@1?distro=bookworm", `distro "bookworm" is not an Ubuntu release`},
		{"pkg:deb/raspbian/curl@1?distro=raspbian-11", `deb namespace "raspbian" has no OSV ecosystem`},
		{"pkg:rpm/fedora/curl@7.50.3-1.fc25?distro=fedora-25", `rpm namespace "fedora" has no OSV ecosystem`},
		{"pkg:rpm/centos/curl@7.29.0?distro=centos-7", `rpm namespace "centos" has no OSV ecosystem`},
		{"pkg:rpm/almalinux/curl@1?distro=rocky-9", `distro "rocky-9" does not name a release of AlmaLinux`},
		{"pkg:rpm/rocky/curl@1?distro=el", `distro "el" does not name a release of Rocky Linux`},
		{"pkg:rpm/opensuse/curl@1?distro=opensuse-42", `distro "opensuse-42" is not an openSUSE release`},
		{"pkg:rpm/suse/curl@1?distro=sles-sap", `distro "sles-sap" is not a SUSE Linux Enterprise release`},
		{"pkg:apk/alpine/openssl@3?distro=edge", `distro "edge" is not an Alpine release`},
		{"pkg:apk/alpine/openssl@3?distro=3", `distro "3" is not an Alpine release`},
		{"pkg:apk/postmarketos/openssl@3?distro=3.19", `apk namespace "postmarketos" has no OSV ecosystem`},
	}
	for _, tt := range tests {
		p, err := Parse(tt.purl)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.purl, err)
			continue
		}
		co, err := ToOSV(p)
		if err == nil {
			t.Errorf("ToOSV(%q) = %+v, want error containing %q", tt.purl, co, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ToOSV(%q) error = %q, want it to contain %q", tt.purl, err, tt.want)
		}
		if co != (Coordinates{}) {
			t.Errorf("ToOSV(%q) returned %+v with its error", tt.purl, co)
		}
	}
}

// TestToOSVHandBuilt checks values that did not come from Parse: ToOSV must
// not trip over an uppercase type or a missing npm '@'.
func TestToOSVHandBuilt(t *testing.T) {
	tests := []struct {
		p    packageurl.PackageURL
		want Coordinates
	}{
		{packageurl.PackageURL{Type: "NPM", Namespace: "types", Name: "node", Version: "20.0.0"}, Coordinates{"npm", "@types/node", "20.0.0"}},
		{packageurl.PackageURL{Type: "PyPI", Name: "Requests", Version: "2.31.0"}, Coordinates{"PyPI", "requests", "2.31.0"}},
	}
	for _, tt := range tests {
		got, err := ToOSV(tt.p)
		if err != nil || got != tt.want {
			t.Errorf("ToOSV(%+v) = %+v, %v; want %+v", tt.p, got, err, tt.want)
		}
	}
}

// TestToOSVMeetsOSVRecords checks, on the OSV records of the shared corpora
// that carry a package purl, that the purl maps to the record's own base
// ecosystem and (normalised) name: the two sides of a lookup meet.
func TestToOSVMeetsOSVRecords(t *testing.T) {
	dir := filepath.Join(testutil.Corpora(t), "vulndata", "osv")
	var checked int
	for _, zipName := range []string{"Bitnami.zip", "Julia.zip", "crates.io.zip", "RubyGems.zip", "NuGet.zip", "opam.zip"} {
		zr, err := zip.OpenReader(filepath.Join(dir, zipName))
		if err != nil {
			t.Fatalf("%s: %v", zipName, err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			var rec struct {
				ID       string `json:"id"`
				Affected []struct {
					Package struct {
						Ecosystem string `json:"ecosystem"`
						Name      string `json:"name"`
						PURL      string `json:"purl"`
					} `json:"package"`
				} `json:"affected"`
			}
			if err := json.Unmarshal(data, &rec); err != nil {
				t.Fatalf("%s/%s: %v", zipName, f.Name, err)
			}
			for _, a := range rec.Affected {
				if a.Package.PURL == "" {
					continue
				}
				p, err := Parse(a.Package.PURL)
				if err != nil {
					t.Errorf("%s: %v", rec.ID, err)
					continue
				}
				p.Version = "1.0.0"
				co, err := ToOSV(p)
				if err != nil {
					t.Errorf("%s: ToOSV(%s): %v", rec.ID, a.Package.PURL, err)
					continue
				}
				base := ecosystem.Base(a.Package.Ecosystem)
				if ecosystem.Base(co.Ecosystem) != base || co.Name != ecosystem.NormalizeName(base, a.Package.Name) {
					t.Errorf("%s: %s maps to %s %q, the record names %s %q", rec.ID, a.Package.PURL, co.Ecosystem, co.Name, a.Package.Ecosystem, a.Package.Name)
				}
				checked++
			}
		}
		zr.Close()
	}
	t.Logf("%d affected packages with a purl checked", checked)
	if checked == 0 {
		t.Error("no OSV record with a package purl found")
	}
}
