package environments

// Generic checks walk every value of an Environment by reflection, so a field
// added later is covered without anyone remembering to: no string reaches
// Terraform with template or token syntax, control characters or an API key
// in it, and no list holds an entry twice.

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxStringBytes bounds every string but environment variable values (those
// are bounded by the task definition's size); no name, ARN or CIDR is longer.
const maxStringBytes = 1024

// checkValues reports the generic problems of v (a struct, list, map or
// string) at the dotted path field. free is true for a map value (an
// environment variable's value), which may be any text.
func (e *Environment) checkValues(p *problems, v reflect.Value, field string, free bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e.checkValues(p, v.Elem(), field, free)
		}
	case reflect.Struct:
		for _, f := range reflect.VisibleFields(v.Type()) {
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if !f.IsExported() || tag == "-" || f.Anonymous {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			fv, err := v.FieldByIndexErr(f.Index)
			if err == nil {
				e.checkValues(p, fv, join(field, tag), false)
			}
		}
	case reflect.Slice, reflect.Array:
		checkDuplicates(p, v, field)
		if k := v.Type().Elem().Kind(); k >= reflect.Bool && k <= reflect.Complex128 {
			return // numbers and booleans: nothing generic to check per entry
		}
		for i := 0; i < v.Len(); i++ {
			e.checkValues(p, v.Index(i), index(field, i), false)
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) }) // string keys
		for _, k := range keys {
			if k.Kind() == reflect.String {
				if isAPIKeyName(k.String()) {
					continue // refused by name, with a pointer to the secret
				}
				e.checkString(p, join(field, k.String()), "its name", k.String(), false)
			}
			e.checkValues(p, v.MapIndex(k), join(field, fmt.Sprint(k)), true)
		}
	case reflect.String:
		e.checkString(p, field, "", v.String(), free)
	}
}

// checkString reports the first generic problem of the string s at field.
// what names the part of the field checked ("its name" for a map key).
func (e *Environment) checkString(p *problems, field, what, s string, free bool) {
	if what != "" {
		what += " "
	}
	q := strconv.Quote(shorten(s))
	switch {
	case anthropicKey.MatchString(s):
		p.add(field, "%slooks like an Anthropic API key (sk-ant-…); never put the key in an environment file: store it in the secret %s (README: The API key secret)", what, e.SecretName())
	case strings.Contains(s, "TfToken["):
		p.add(field, "%s%s holds a CDKTF token (${TfToken[...]}); write the value itself: tokens and references are not allowed in environment files", what, q)
	case strings.Contains(s, "${") || strings.Contains(s, "%{"):
		p.add(field, "%s%s holds Terraform template syntax (${...} or %%{...}), which Terraform would evaluate; write plain values: templates are not allowed in environment files", what, q)
	case strings.ContainsRune(s, utf8.RuneError):
		p.add(field, "%s%s holds U+FFFD, left by invalid UTF-8 or a lone \\uD800-\\uDFFF escape; write valid text", what, q)
	case badRune(s, free) >= 0:
		p.add(field, "%s%s holds the control or invisible character %U; remove it", what, q, badRune(s, free))
	case free:
	case len(s) > maxStringBytes:
		p.add(field, "%sis %d bytes; at most %d are allowed", what, len(s), maxStringBytes)
	case strings.TrimSpace(s) != s:
		p.add(field, "%s%s has leading or trailing whitespace; remove it", what, q)
	}
}

// badRune returns the first control or invisible formatting character of s,
// or -1. Free text may hold tabs, line breaks and the joiners of emoji and
// scripts, but no control characters or bidirectional overrides (which make
// a value read differently from what it is).
func badRune(s string, free bool) rune {
	for _, r := range s {
		switch {
		case free && (r == '\t' || r == '\n' || r == '\r' || r == '\u200c' || r == '\u200d'):
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff':
			return r
		case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return r
		case !free && unicode.Is(unicode.Cf, r):
			return r
		}
	}
	return -1
}

// checkDuplicates reports every entry of a list that repeats an earlier one:
// AWS refuses duplicate rules and set entries, and duplicate construct IDs
// would stop synthesis.
func checkDuplicates(p *problems, v reflect.Value, field string) {
	first := map[any]int{}
	for i := 0; i < v.Len(); i++ {
		var key any = fmt.Sprintf("%#v", v.Index(i).Interface())
		if v.Type().Elem().Comparable() {
			key = v.Index(i).Interface() // strings and numbers: no formatting per entry
		}
		if j, ok := first[key]; ok {
			if p.full() {
				continue // counted only: no need to format the message
			}
			p.add(fmt.Sprintf("%s[%d]", field, i), "%s repeats %s[%d]; list each entry once", display(v.Index(i)), field, j)
			continue
		}
		first[key] = i
	}
}

// display prints a value for a message: strings quoted, the rest as Go prints it.
func display(v reflect.Value) string {
	if v.Kind() == reflect.String {
		return strconv.Quote(shorten(v.String()))
	}
	return shorten(fmt.Sprint(v.Interface()))
}
