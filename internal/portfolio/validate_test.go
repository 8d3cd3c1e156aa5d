package portfolio_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // part of the error; "" when valid
	}{
		{"Linea HMI Gateway", ""},
		{"Caffè ☕ 4.2.0-rc.1+build.7", ""},
		{strings.Repeat("é", portfolio.MaxNameLen), ""},
		{"", "required"},
		{"   ", "required"},
		{strings.Repeat("a", portfolio.MaxNameLen+1), "more than the limit of 200"},
		{strings.Repeat("x", 900<<10), "more than the limit"},
		{"a\x00b", "U+0000"},
		{"a\x1b[2Jb", "U+001B"},
		{"\x1b]0;pwned\x07", "U+001B"},
		{"two\nlines", "U+000A"},
		{"tab\there", "U+0009"},
		{"del\x7f", "U+007F"},
		{"c1\u0085", "U+0085"},
		{"bad \xff utf-8", "UTF-8"},
	} {
		err := portfolio.CheckName("name", tc.in)
		if tc.want == "" {
			if err != nil {
				t.Errorf("CheckName(%.40q): %v", tc.in, err)
			}
			continue
		}
		if err == nil || !portfolio.IsInput(err) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "name: ") {
			t.Errorf("CheckName(%.40q) = %v, want an input error naming the field and containing %q", tc.in, err, tc.want)
		}
	}
}

// The use cases validate every name and text they store, so that the API
// and the CLI refuse the same values and nothing is created.
func TestCreateRejectsBadNames(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demo []byte) {
		ctx := context.Background()
		before, err := svc.Products(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			p     model.Product
			field string
		}{
			{model.Product{Name: strings.Repeat("n", 900<<10)}, "name"},
			{model.Product{Name: "nul\x00byte"}, "name"},
			{model.Product{Name: "esc\x1b[2J"}, "name"},
			{model.Product{Name: "ok", IntendedPurpose: strings.Repeat("p", portfolio.MaxTextLen+1)}, "intendedPurpose"},
			{model.Product{Name: "ok", IntendedPurpose: "nul\x00"}, "intendedPurpose"},
			{model.Product{Name: "ok", SecurityContact: "psirt@example.com\r\nBcc: x"}, "securityContact"},
		} {
			err := svc.CreateProduct(ctx, org, &tc.p)
			if !portfolio.IsInput(err) || !strings.HasPrefix(err.Error(), tc.field+": ") {
				t.Errorf("CreateProduct(%.40q): %v, want an input error on %s", tc.p.Name, err, tc.field)
			}
		}
		// Multi-line texts may hold line breaks.
		p := model.Product{Name: "multi", IntendedPurpose: "line one\nline two\tindented"}
		if err := svc.CreateProduct(ctx, org, &p); err != nil {
			t.Errorf("multi-line intended purpose: %v", err)
		}
		after, err := svc.Products(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 {
			t.Errorf("%d products after the refused ones, want %d", len(after), len(before)+1)
		}
		for _, name := range []string{"", strings.Repeat("9", 201), "4.2\x00", "4.2\x1b[31m"} {
			nv := model.Version{ProductID: v.ProductID, Name: name}
			if err := svc.CreateVersion(ctx, org, &nv); !portfolio.IsInput(err) || !strings.HasPrefix(err.Error(), "name: ") {
				t.Errorf("CreateVersion(%.40q): %v", name, err)
			}
		}
		vs, err := svc.Versions(ctx, org, v.ProductID)
		if err != nil || len(vs) != 1 {
			t.Errorf("versions after refused ones: %d %v", len(vs), err)
		}
		if _, err := svc.Ingest(ctx, org, v.ID, demo, "hmi\x1b[2J.cdx.json"); !portfolio.IsInput(err) || !strings.HasPrefix(err.Error(), "name: ") {
			t.Errorf("Ingest with a control character in the name: %v", err)
		}
		if _, _, err := svc.CreateAPIKey(ctx, "acme", "ci\x00"); !portfolio.IsInput(err) || !strings.HasPrefix(err.Error(), "label: ") {
			t.Errorf("CreateAPIKey with NUL in the label: %v", err)
		}
	})
}
