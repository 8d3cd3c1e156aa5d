package demo

import (
	"encoding/json"
	"fmt"
	"time"
)

// Component is one component of a demonstration SBOM.
type Component struct {
	Ref, Name, Version, PURL, License, Supplier string
	// DependsOn lists the refs this component depends on.
	DependsOn []string
}

// Release is a demonstration product version with the components of its
// SBOM; DaysAgo is when its SBOM was uploaded, so that the dashboard's
// trend has a history.
type Release struct {
	Version   string
	Lifecycle string
	Released  string
	DaysAgo   int
	// Components is nil for a version without an SBOM yet.
	Components []Component
	// Direct are the refs the product itself depends on.
	Direct []string
}

// Product is a demonstration product with its releases. A version listed
// twice gets a second, newer SBOM.
type Product struct {
	Name, Role, Purpose, Contact, SupportEnd string
	Releases                                 []Release
}

// Organisation is the demonstration organisation's name.
const Organisation = "Example Macchine S.r.l."

// Demonstration components: vulnerable versions matched by the advisories
// in data/osv, and fixed ones.
var (
	log4jOld   = Component{Ref: "log4j-core", Name: "log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", License: "Apache-2.0", Supplier: "The Apache Software Foundation"}
	log4jNew   = Component{Ref: "log4j-core", Name: "log4j-core", Version: "2.17.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", License: "Apache-2.0", Supplier: "The Apache Software Foundation"}
	springOld  = Component{Ref: "spring-beans", Name: "spring-beans", Version: "5.3.17", PURL: "pkg:maven/org.springframework/spring-beans@5.3.17", License: "Apache-2.0", Supplier: "VMware", DependsOn: []string{"log4j-core"}}
	springNew  = Component{Ref: "spring-beans", Name: "spring-beans", Version: "5.3.18", PURL: "pkg:maven/org.springframework/spring-beans@5.3.18", License: "Apache-2.0", Supplier: "VMware", DependsOn: []string{"log4j-core"}}
	xnetOld    = Component{Ref: "x-net", Name: "golang.org/x/net", Version: "v0.15.0", PURL: "pkg:golang/golang.org/x/net@v0.15.0", License: "BSD-3-Clause", Supplier: "The Go Authors"}
	xnetNew    = Component{Ref: "x-net", Name: "golang.org/x/net", Version: "v0.17.0", PURL: "pkg:golang/golang.org/x/net@v0.17.0", License: "BSD-3-Clause", Supplier: "The Go Authors"}
	stdlibOld  = Component{Ref: "go-stdlib", Name: "stdlib", Version: "go1.21.1", PURL: "pkg:golang/stdlib@go1.21.1", License: "BSD-3-Clause", Supplier: "The Go Authors"}
	stdlibNew  = Component{Ref: "go-stdlib", Name: "stdlib", Version: "go1.21.3", PURL: "pkg:golang/stdlib@go1.21.3", License: "BSD-3-Clause", Supplier: "The Go Authors"}
	requestOld = Component{Ref: "requests", Name: "requests", Version: "2.28.1", PURL: "pkg:pypi/requests@2.28.1", License: "Apache-2.0", Supplier: "Python Software Foundation"}
	requestNew = Component{Ref: "requests", Name: "requests", Version: "2.31.0", PURL: "pkg:pypi/requests@2.31.0", License: "Apache-2.0", Supplier: "Python Software Foundation"}
	flask      = Component{Ref: "flask", Name: "flask", Version: "3.0.0", PURL: "pkg:pypi/flask@3.0.0", License: "BSD-3-Clause", Supplier: "Pallets", DependsOn: []string{"requests"}}
	lodashOld  = Component{Ref: "lodash", Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20", License: "MIT", Supplier: "OpenJS Foundation"}
	lodashNew  = Component{Ref: "lodash", Name: "lodash", Version: "4.17.21", PURL: "pkg:npm/lodash@4.17.21", License: "MIT", Supplier: "OpenJS Foundation"}
	opensslOld = Component{Ref: "openssl", Name: "openssl", Version: "1.1.1k-1+deb11u1", PURL: "pkg:deb/debian/openssl@1.1.1k-1%2Bdeb11u1?arch=amd64&distro=debian-11", License: "OpenSSL", Supplier: "Debian"}
	opensslNew = Component{Ref: "openssl", Name: "openssl", Version: "1.1.1n-0+deb11u1", PURL: "pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u1?arch=amd64&distro=debian-11", License: "OpenSSL", Supplier: "Debian"}
	plcFW      = Component{Ref: "plc-fw", Name: "plc-firmware", Version: "7.1", License: "LicenseRef-proprietary", Supplier: Organisation}
)

// Portfolio is the demonstration organisation's products: a gateway with
// three versions (the newest fixes most findings), a press controller, a
// cloud connector imported from a partner, and a sensor hub without any
// SBOM yet.
func Portfolio() []Product {
	return []Product{
		{Name: "Linea HMI Gateway", Role: "manufacturer", Purpose: "Operator panel and OPC UA gateway for packaging lines",
			Contact: "psirt@example-macchine.example", SupportEnd: "2031-12-31", Releases: []Release{
				{Version: "4.1.0", Lifecycle: "on_market", Released: "2025-03-10", DaysAgo: 27,
					Components: []Component{log4jOld, springOld, xnetOld, stdlibOld, requestOld, flask, lodashNew, opensslOld, plcFW},
					Direct:     []string{"spring-beans", "x-net", "go-stdlib", "flask", "lodash", "openssl", "plc-fw"}},
				{Version: "4.2.0", Lifecycle: "on_market", Released: "2025-11-20", DaysAgo: 14,
					Components: []Component{log4jNew, springOld, xnetOld, stdlibOld, requestOld, flask, lodashNew, opensslNew, plcFW},
					Direct:     []string{"spring-beans", "x-net", "go-stdlib", "flask", "lodash", "openssl", "plc-fw"}},
				// A patched SBOM of 4.1.0: OpenSSL and requests updated.
				{Version: "4.1.0", Lifecycle: "on_market", Released: "2025-03-10", DaysAgo: 5,
					Components: []Component{log4jOld, springOld, xnetOld, stdlibOld, requestNew, flask, lodashNew, opensslNew, plcFW},
					Direct:     []string{"spring-beans", "x-net", "go-stdlib", "flask", "lodash", "openssl", "plc-fw"}},
				{Version: "4.3.0-rc1", Lifecycle: "development", DaysAgo: 2,
					Components: []Component{log4jNew, springNew, xnetNew, stdlibNew, requestNew, flask, lodashNew, opensslNew, plcFW},
					Direct:     []string{"spring-beans", "x-net", "go-stdlib", "flask", "lodash", "openssl", "plc-fw"}},
			}},
		{Name: "Pressa PX-200 controller", Role: "manufacturer", Purpose: "Safety controller of hydraulic presses",
			Contact: "psirt@example-macchine.example", SupportEnd: "2030-06-30", Releases: []Release{
				{Version: "2.0.3", Lifecycle: "on_market", Released: "2024-09-01", DaysAgo: 20,
					Components: []Component{xnetOld, stdlibOld, opensslOld},
					Direct:     []string{"x-net", "go-stdlib", "openssl"}},
			}},
		{Name: "CloudLink connector", Role: "importer", Purpose: "Remote maintenance connector sourced from a partner",
			SupportEnd: "2027-12-31", Releases: []Release{
				{Version: "1.5", Lifecycle: "on_market", Released: "2024-05-15", DaysAgo: 9,
					Components: []Component{requestOld, flask, lodashOld},
					Direct:     []string{"flask", "lodash"}},
			}},
		{Name: "Sensor hub SH-10", Role: "manufacturer", Purpose: "Vibration sensor hub (in design)", Releases: []Release{
			{Version: "0.9", Lifecycle: "development"},
		}},
	}
}

// SBOM returns a CycloneDX 1.6 JSON document of a release of product,
// made at t.
func (r Release) SBOM(product string, t time.Time) ([]byte, error) {
	type ref struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	}
	type lic struct {
		License map[string]string `json:"license,omitempty"`
	}
	type comp struct {
		Type     string            `json:"type"`
		Ref      string            `json:"bom-ref"`
		Name     string            `json:"name"`
		Version  string            `json:"version"`
		PURL     string            `json:"purl,omitempty"`
		Supplier map[string]string `json:"supplier,omitempty"`
		Licenses []lic             `json:"licenses,omitempty"`
	}
	var comps []comp
	deps := []ref{{Ref: "product", DependsOn: r.Direct}}
	for _, c := range r.Components {
		cc := comp{Type: "library", Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL,
			Supplier: map[string]string{"name": c.Supplier}}
		if c.Ref == "plc-fw" {
			cc.Type = "firmware"
		}
		if c.License != "" {
			key := "id"
			if len(c.License) > 11 && c.License[:11] == "LicenseRef-" {
				key = "name"
			}
			cc.Licenses = []lic{{License: map[string]string{key: c.License}}}
		}
		comps = append(comps, cc)
		deps = append(deps, ref{Ref: c.Ref, DependsOn: append([]string{}, c.DependsOn...)})
	}
	doc := map[string]any{
		"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"serialNumber": fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", t.Unix()%1_000_000_000_000),
		"metadata": map[string]any{
			"timestamp": t.UTC().Format(time.RFC3339),
			"authors":   []map[string]string{{"name": "Product security team", "email": "psirt@example-macchine.example"}},
			"component": map[string]any{"type": "device", "bom-ref": "product", "name": product, "version": r.Version,
				"supplier": map[string]string{"name": Organisation}},
		},
		"components":   comps,
		"dependencies": deps,
	}
	return json.MarshalIndent(doc, "", "  ")
}
