// Package defaults fills in the documented default of a Props field that was
// left at its zero value.
package defaults

// Set sets *field to def when it holds its type's zero value.
func Set[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}
