package strict

// xNewSchema assembles the description of version v. It is built per
// validation (a few hundred small values), so no state outlives a call.
func xNewSchema(v xVersion) *xSchema {
	types := xCoreTypes()
	for name, t := range xMoreTypes() {
		types[name] = t
	}
	return &xSchema{v: v, types: types}
}
