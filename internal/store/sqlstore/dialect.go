package sqlstore

import (
	"strconv"
	"strings"
)

// dialect captures what differs between the SQL engines.
type dialect struct {
	name string
	// dollar is true when placeholders are $1, $2 ... instead of ?.
	dollar bool
	// tableExists counts the tables named by its one parameter.
	tableExists string
}

var (
	sqliteDialect = dialect{name: "sqlite",
		tableExists: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`}
	postgresDialect = dialect{name: "postgres", dollar: true,
		tableExists: `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`}
)

// rebind rewrites ? placeholders for the dialect. Queries in this package
// never contain a literal '?' inside strings.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// placeholders returns "?, ?, ..." with n placeholders.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
