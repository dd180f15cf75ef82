package source

import (
	"bytes"
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
)

// A parsed tree takes about fourteen times the bytes of its file, so a
// reader that walks a large file's tree whole holds the whole tree at once.
// ParseYAMLSections avoids that for the long sections a reader goes through
// entry by entry: it parses the top-level keys with the first entries of
// each section, and leaves the further pieces of the named sections to Rest,
// which parses them a few ahead on the other cores while the reader takes
// them one at a time, so that each piece's tree is garbage once read.

// sectionPiece is the size in bytes of a streamed piece.
const sectionPiece = 128 << 10

// Rest holds the pieces of a file's long sections that are parsed only as
// they are read. A nil Rest has none.
type Rest struct {
	procs  int
	pieces map[string][]piece
	// incomplete is set when a piece failed to parse or was left unread.
	incomplete bool
}

// piece is a chunk continuing a section, with the column its entries start at.
type piece struct {
	chunk
	column int
}

// ParseYAMLSections parses data as ParseYAML does, except that when the file
// is large and plainly laid out the sections named by keys hold only their
// first entries in Doc.Root: Rest.More yields the others, in pieces. Rest is
// nil when Doc.Root holds the whole tree.
//
// A reader must take every piece of every named section it finds in the
// root and then ask Rest.Complete: when a piece failed to parse (or is left
// unread) the reader starts over with ParseYAML, whose problems are the
// file's, as for any file.
func ParseYAMLSections(name string, data []byte, lim Limits, keys ...string) (*Doc, *Rest) {
	if len(data) >= parallelMin && !mayHoldSecondDocument(data) {
		if _, bad := checkBytes(name, data, true); !bad {
			if root, rest := parseSections(data, runtime.GOMAXPROCS(0), sectionPiece, keys); root != nil {
				return &Doc{File: name, Root: root}, rest
			}
		}
	}
	return ParseYAML(name, data, lim), nil
}

// parseSections returns the root of data without the further pieces of
// the sections named by keys, and those pieces, or nil when the file does
// not qualify or a chunk of the root fails.
func parseSections(data []byte, procs, size int, keys []string) (*yaml.Node, *Rest) {
	if bytes.ContainsAny(data, "&*\t\r") {
		return nil, nil
	}
	chunks := splitChunks(data, size)
	if len(chunks) < 2 {
		return nil, nil
	}
	rest := &Rest{procs: procs, pieces: map[string][]piece{}}
	head := make([]chunk, 0, len(chunks))
	key := ""
	for _, c := range chunks {
		if !c.continues {
			key = lastTopKey(c.text)
		} else if slices.Contains(keys, key) {
			rest.pieces[key] = append(rest.pieces[key], piece{chunk: c})
			continue
		}
		head = append(head, c)
	}
	if len(rest.pieces) == 0 {
		return nil, nil // parsing in parallel is then the same, and quicker
	}
	root := parseChunks(head, procs)
	if root == nil {
		return nil, nil
	}
	for k, ps := range rest.pieces {
		v := valueOf(root, k)
		if v == nil || v.Kind != ps[0].kind() {
			return nil, nil
		}
		for i := range ps {
			ps[i].column = v.Column
		}
	}
	return root, rest
}

// lastTopKey returns the last top-level key of a chunk of complete lines.
func lastTopKey(text []byte) string {
	for len(text) > 0 {
		text = bytes.TrimSuffix(text, []byte{'\n'})
		start := bytes.LastIndexByte(text, '\n') + 1
		if l := text[start:]; isTopKey(l) {
			return string(l[:bytes.IndexByte(l, ':')])
		}
		text = text[:start]
	}
	return ""
}

// valueOf returns the value of key in a mapping node, or nil when the key
// is absent or given twice (a reader reports the second, so its pieces
// must not continue the first).
func valueOf(m *yaml.Node, key string) *yaml.Node {
	var v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			if v != nil {
				return nil
			}
			v = m.Content[i+1]
		}
	}
	return v
}

// More yields the further pieces of section key in file order: nodes of the
// section's kind (a mapping or a list) holding its next entries, with the
// file's line numbers. The pieces are parsed a few ahead on the other cores;
// each is yielded once. When a piece fails to parse, More stops and Complete
// reports false.
func (r *Rest) More(key string) iter.Seq[*yaml.Node] {
	return func(yield func(*yaml.Node) bool) {
		if r == nil || len(r.pieces[key]) == 0 {
			return
		}
		ps := r.pieces[key]
		delete(r.pieces, key)
		results := make([]chan *yaml.Node, len(ps))
		for i := range results {
			results[i] = make(chan *yaml.Node, 1)
		}
		// ahead holds a slot for every piece parsed and not yet taken.
		ahead := make(chan struct{}, r.procs+1)
		done := make(chan struct{})
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(r.procs, len(ps)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case ahead <- struct{}{}:
					case <-done:
						return
					}
					i := int(next.Add(1)) - 1
					if i >= len(ps) {
						<-ahead
						return
					}
					n := ps[i].parse()
					if n != nil && n.Column != ps[i].column {
						n = nil
					}
					results[i] <- n
				}
			}()
		}
		defer func() {
			close(done)
			wg.Wait()
		}()
		for i := range ps {
			n := <-results[i]
			<-ahead
			if n == nil || !yield(n) {
				r.incomplete = true
				return
			}
		}
	}
}

// Len returns the number of entries in the further pieces of section key,
// for a reader to make room for them at once.
func (r *Rest) Len(key string) int {
	if r == nil {
		return 0
	}
	n := 0
	for _, p := range r.pieces[key] {
		n += p.items
	}
	return n
}

// Abandon records that the reader could not take a piece as it is (the
// reader starts over with ParseYAML then).
func (r *Rest) Abandon() {
	if r != nil {
		r.incomplete = true
	}
}

// Complete reports whether every piece was parsed and read.
func (r *Rest) Complete() bool {
	return r == nil || !r.incomplete && len(r.pieces) == 0
}
