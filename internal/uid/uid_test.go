package uid

import "testing"

func TestNewAndFromName(t *testing.T) {
	a, b := New(), New()
	if a == b || !Valid(a) || a[14] != '4' {
		t.Fatalf("New: %s %s", a, b)
	}
	x, y := FromName("vuln", "CVE-2021-44228"), FromName("vuln", "CVE-2021-44228")
	if x != y || !Valid(x) || x[14] != '8' {
		t.Fatalf("FromName: %s %s", x, y)
	}
	if FromName("vuln", "CVE-2021-44229") == x {
		t.Fatal("FromName: different names, same UUID")
	}
	for _, bad := range []string{"", "x", "0000000000000000000000000000000000000", "g0000000-0000-4000-8000-000000000000"} {
		if Valid(bad) {
			t.Errorf("Valid(%q)", bad)
		}
	}
}
