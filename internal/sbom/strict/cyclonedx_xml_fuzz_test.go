package strict

import "testing"

func FuzzCycloneDXXML(f *testing.F) {
	f.Add([]byte(xmlDoc("1.6", "", xmlComp(` bom-ref="a"`, `<hashes><hash alg="MD5">00</hash></hashes>`))))
	f.Add([]byte(xmlDoc("1.2", "", `<dependencies><dependency ref="x"/></dependencies>`)))
	f.Add([]byte(xmlDoc("1.5", "", `<metadata><tools><components/></tools></metadata><x:y xmlns:x="urn:x"/>`)))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component`))
	f.Add([]byte(`<!DOCTYPE bom><bom/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, is := range CycloneDXXML(data) {
			if is.Line < 1 {
				t.Fatalf("issue without a line: %v", is)
			}
		}
	})
}
