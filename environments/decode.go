package environments

// Decoding is strict, because encoding/json is lenient in ways that make a
// file say something other than what the stack does: the later of two
// duplicate keys wins, null leaves the default in place, keys match
// case-insensitively, invalid UTF-8 becomes U+FFFD, 2048.0 and 1e3 fail only
// one at a time. So a file is first read into a tree of positioned values and
// checked against the Environment type (every problem at once); only a file
// without problems is handed to encoding/json.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxFileBytes bounds an environment file (they are a few KB): a bigger one
// is refused before it is read into memory.
const MaxFileBytes = 1 << 20

// maxDepth bounds the nesting of a file; the Environment type is four deep.
const maxDepth = 32

// node is one JSON value and where it starts in the file.
type node struct {
	kind      jsonKind
	line, col int
	text      string  // a string's value, a number's literal, "true"/"false"
	keys      []*node // an object's keys (kind kString), in file order
	items     []*node // an object's values (parallel to keys) or a list's elements
}

type jsonKind int

const (
	kNull jsonKind = iota
	kBool
	kNumber
	kString
	kList
	kObject
)

func (k jsonKind) String() string {
	return [...]string{"null", "true or false", "a number", "a string", "a list", "an object"}[k]
}

// checkEncoding reports why data is not a UTF-8 JSON text, or "".
func checkEncoding(data []byte) string {
	switch {
	case len(data) == 0:
		return "(file): the file is empty; an environment file is a JSON object such as {\"network\": {\"availabilityZones\": [\"us-east-1a\", \"us-east-1b\"]}}"
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return "(file): the file is UTF-32 (it starts with a UTF-32 byte-order mark); save it as UTF-8 without a byte-order mark"
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return "(file): the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without a byte-order mark"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "(file): the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 without a byte-order mark"
	case bytes.IndexByte(data, 0) >= 0:
		if len(data) >= 2 && (data[0] == 0) != (data[1] == 0) {
			return "(file): the file looks like UTF-16 (every other byte is zero); save it as UTF-8"
		}
		line, col := position(data, int64(bytes.IndexByte(data, 0)))
		return fmt.Sprintf("(file): line %d, column %d: a NUL byte; an environment file is UTF-8 text", line, col)
	case !utf8.Valid(data):
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line, col := position(data, int64(off))
		return fmt.Sprintf("(file): line %d, column %d: invalid UTF-8 (byte 0x%02X); save the file as UTF-8", line, col, data[off])
	case len(bytes.TrimSpace(data)) == 0:
		return "(file): the file holds only whitespace; an environment file is a JSON object such as {\"network\": {\"availabilityZones\": [\"us-east-1a\", \"us-east-1b\"]}}"
	}
	return ""
}

// parseTree reads data (valid UTF-8) into a tree, or returns one message
// "line L, column C: what is wrong" for the first syntax error.
func parseTree(data []byte) (*node, string) {
	p := &treeParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	root, err := p.value(0)
	if err != nil {
		return nil, p.describe(err)
	}
	// Anything but whitespace after the object is an error: a second object,
	// a stray bracket, a comment.
	off := p.dec.InputOffset()
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
		off++
	}
	if off < int64(len(data)) {
		line, col := position(data, off)
		hint := ""
		if data[off] == '/' || data[off] == '#' {
			hint = "; JSON has no comments: remove them"
		}
		return nil, fmt.Sprintf("line %d, column %d: malformed JSON: text after the end of the top-level object; a file holds one JSON object%s", line, col, hint)
	}
	return root, ""
}

type treeParser struct {
	data []byte
	dec  *json.Decoder
	at   cursor // where the last token started; tokens come in file order
}

// cursor is a position in the file: its byte offset, line and column.
// Advancing it only over the bytes since the last token keeps the positions
// of all tokens linear in the file's size (counting from the start for each
// token made a one-line file of 1 MB take minutes).
type cursor struct {
	off       int64
	line, col int
}

// advance moves c forward to off in data and returns the new position.
func (c *cursor) advance(data []byte, off int64) (line, col int) {
	if c.line == 0 {
		*c = cursor{line: 1, col: 1}
	}
	if off < c.off { // never happens: the decoder only reads forward
		c.line, c.col = position(data, off)
		c.off = off
		return c.line, c.col
	}
	span := data[c.off:off]
	if nl := bytes.LastIndexByte(span, '\n'); nl >= 0 {
		c.line += bytes.Count(span, []byte("\n"))
		c.col = 1
		span = span[nl+1:]
	}
	c.col += utf8.RuneCount(span)
	c.off = off
	return c.line, c.col
}

// tooDeep is the error of a file nested deeper than maxDepth.
type tooDeep struct{ line, col int }

func (e *tooDeep) Error() string {
	return fmt.Sprintf("line %d, column %d: malformed JSON: values nested deeper than %d levels; an environment file is at most four deep", e.line, e.col, maxDepth)
}

// startOfNext is the position of the next token: after the decoder's offset,
// past whitespace and the separators the decoder consumes silently.
func (p *treeParser) startOfNext() (line, col int) {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return p.at.advance(p.data, off)
}

func (p *treeParser) value(depth int) (*node, error) {
	line, col := p.startOfNext()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	n := &node{line: line, col: col}
	switch t := tok.(type) {
	case nil:
		n.kind = kNull
	case bool:
		n.kind, n.text = kBool, strconv.FormatBool(t)
	case json.Number:
		n.kind, n.text = kNumber, string(t)
	case string:
		n.kind, n.text = kString, t
	case json.Delim:
		if depth >= maxDepth {
			return nil, &tooDeep{line, col}
		}
		if t == '[' {
			n.kind = kList
			for p.dec.More() {
				item, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
		} else {
			n.kind = kObject
			for p.dec.More() {
				key, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.keys, n.items = append(n.keys, key), append(n.items, val)
			}
		}
		if _, err := p.dec.Token(); err != nil { // the closing bracket
			return nil, err
		}
	}
	return n, nil
}

// describe turns a decoding error into "line L, column C: what", with a hint
// for the mistakes people make in hand-written JSON.
func (p *treeParser) describe(err error) string {
	var deep *tooDeep
	if errors.As(err, &deep) {
		return deep.Error()
	}
	// The decoder's token offsets point at the start of the value it was
	// reading; the scanner behind Unmarshal points at the offending byte.
	var v any
	if precise := json.Unmarshal(p.data, &v); precise != nil {
		err = precise
	}
	var syntax *json.SyntaxError
	if err == io.EOF || err == io.ErrUnexpectedEOF || (errors.As(err, &syntax) && syntax.Offset >= int64(len(p.data)) && strings.Contains(err.Error(), "end of JSON input")) {
		line, _ := position(p.data, int64(len(p.data)))
		return fmt.Sprintf("line %d: malformed JSON: the file ends early (unclosed object, list or string)", line)
	}
	if !errors.As(err, &syntax) {
		return "malformed JSON: " + err.Error()
	}
	// Offset counts the bytes read, the offending one included.
	off := max(syntax.Offset-1, 0)
	line, col := position(p.data, off)
	hint := ""
	if off < int64(len(p.data)) {
		prev := bytes.TrimRight(p.data[:off], " \t\r\n")
		switch c := p.data[off]; {
		case c == '/' || c == '#':
			hint = "; JSON has no comments: remove them"
		case c == '\'':
			hint = "; JSON strings take double quotes"
		case (c == '}' || c == ']') && bytes.HasSuffix(prev, []byte(",")):
			hint = "; JSON allows no comma before a closing bracket"
		case c < 0x20 && strings.Contains(syntax.Error(), "string literal"):
			hint = "; a string may not hold raw control characters (write \\n, \\t)"
		}
	}
	return fmt.Sprintf("line %d, column %d: malformed JSON: %s%s", line, col, syntax.Error(), hint)
}

// position converts a byte offset into a 1-based line and column (in characters).
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// schemaCheck walks the tree against the type t (the Environment) and
// reports, sorted by position, every duplicate key, unknown key, null, type
// mismatch and out-of-range number. It also records the dotted path of every
// field the file sets, for rules that depend on whether a field was written.
type schemaCheck struct {
	problems []positioned
	set      map[string]bool
}

// positioned is a problem at a place in the file, formatted only when it is
// reported (a generated file can hold hundreds of thousands).
type positioned struct {
	line, col int
	field     string
	format    string
	args      []any
}

func (s *schemaCheck) add(n *node, field, format string, args ...any) {
	if field == "" {
		field = "(top level)"
	}
	s.problems = append(s.problems, positioned{n.line, n.col, field, format, args})
}

// report adds the problems to p in file order.
func (s *schemaCheck) report(p *problems) {
	slices.SortStableFunc(s.problems, func(a, b positioned) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return a.col - b.col
	})
	for _, pr := range s.problems {
		p.add(pr.field, "line %d, column %d: "+pr.format, append([]any{pr.line, pr.col}, pr.args...)...)
	}
}

var wholeNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

func (s *schemaCheck) walk(n *node, t reflect.Type, field string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.kind == kNull {
		if field == "" {
			s.add(n, field, "must be a JSON object, got null")
			return
		}
		s.add(n, field, "null is not allowed; leave the field out to use its default, or give %s", describeType(t))
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.kind != kObject {
			s.wrongType(n, t, field)
			return
		}
		fields, names := jsonFields(t)
		s.duplicates(n, field)
		for i, k := range n.keys {
			f, ok := fields[k.text]
			if !ok {
				hint := ""
				for _, name := range names {
					if strings.EqualFold(name, k.text) || strings.EqualFold(strings.TrimSpace(k.text), name) {
						hint = fmt.Sprintf(" (did you mean %q?)", name)
					}
				}
				s.add(k, join(field, k.text), "unknown field%s; valid fields here: %s", hint, strings.Join(names, ", "))
				continue
			}
			s.set[join(field, k.text)] = true
			s.walk(n.items[i], f, join(field, k.text))
		}
	case reflect.Map:
		if n.kind != kObject {
			s.wrongType(n, t, field)
			return
		}
		s.duplicates(n, field)
		for i, k := range n.keys {
			s.walk(n.items[i], t.Elem(), join(field, k.text))
		}
	case reflect.Slice:
		if n.kind != kList {
			s.wrongType(n, t, field)
			return
		}
		for i, item := range n.items {
			s.walk(item, t.Elem(), index(field, i))
		}
	case reflect.String:
		if n.kind != kString {
			s.wrongType(n, t, field)
		}
	case reflect.Bool:
		if n.kind != kBool {
			s.wrongType(n, t, field)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch {
		case n.kind != kNumber:
			s.wrongType(n, t, field)
		case !wholeNumber.MatchString(n.text):
			s.add(n, field, "expected a whole number, got %s", n.text)
		default:
			// Every count, size and port of an environment fits in 32 bits;
			// bigger values would lose precision on their way through jsii.
			v, err := strconv.ParseInt(n.text, 10, 64)
			if err != nil || v < math.MinInt32 || v > math.MaxInt32 || (v < 0 && t.Kind() >= reflect.Uint) {
				s.add(n, field, "%s is out of range for a whole number here", shorten(n.text))
			}
		}
	case reflect.Float32, reflect.Float64:
		if n.kind != kNumber {
			s.wrongType(n, t, field)
		} else if v, err := strconv.ParseFloat(n.text, 64); err != nil || math.IsInf(v, 0) {
			s.add(n, field, "%s is out of range", shorten(n.text))
		}
	}
}

func (s *schemaCheck) wrongType(n *node, t reflect.Type, field string) {
	got := n.kind.String()
	switch n.kind {
	case kString:
		got = "JSON string " + strconv.Quote(shorten(n.text))
	case kNumber, kBool:
		got = "JSON " + n.text
	case kList:
		got = "a JSON list"
	case kObject:
		got = "a JSON object"
	}
	s.add(n, field, "expected %s, got %s", describeType(t), got)
}

// duplicates reports every key an object repeats: encoding/json would keep
// the last one silently.
func (s *schemaCheck) duplicates(n *node, field string) {
	first := map[string]*node{}
	for _, k := range n.keys {
		if f, ok := first[k.text]; ok {
			s.add(k, join(field, k.text), "duplicate key (first at line %d, column %d); JSON would keep only the last one: write it once", f.line, f.col)
			continue
		}
		first[k.text] = k
	}
}

// jsonFields maps the JSON names of t's fields (embedded structs flattened)
// to their types, and lists the names sorted.
func jsonFields(t reflect.Type) (map[string]reflect.Type, []string) {
	fields := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		if !f.IsExported() || tag == "-" || (f.Anonymous && tag == "") {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		fields[tag] = f.Type
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return fields, names
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Map:
		return "an object of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + " values"
	}
	return "an object"
}

// join appends a key to a dotted field path; keys that are not plain
// identifiers are quoted so the path stays one readable line.
func join(field, key string) string {
	if !plainKey.MatchString(key) {
		key = "[" + strconv.Quote(key) + "]"
		return field + key
	}
	if field == "" {
		return key
	}
	return field + "." + key
}

// index is the path of a list's i-th entry: field[i].
func index(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// shorten keeps long values in messages to a readable length.
func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 77
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
