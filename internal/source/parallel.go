package source

import (
	"bytes"
	"runtime"
	"slices"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Large models are parsed in parallel: the YAML parser is sequential and
// dominates load time, so a big file is cut into chunks at top-level keys
// and, inside long lists and mappings, between items (Threagile files keep
// their elements in mappings keyed by title); the chunks are parsed
// concurrently and their nodes joined, with line numbers shifted back to
// the file's. The cut is made only when it is certainly safe: a plain
// layout with no anchors, aliases, tabs, document markers or unindented
// lines other than top-level keys and comments. Otherwise, or when any
// chunk fails to parse, the whole file is parsed at once, so errors read
// the same whatever the file's size.

// parallelMin is the file size from which parsing is split.
const parallelMin = 512 << 10

// parseParallel returns the root node of data parsed in chunks, or nil
// when the file does not qualify or a chunk fails.
func parseParallel(data []byte, procs, minChunk int) *yaml.Node {
	if procs < 2 || bytes.ContainsAny(data, "&*\t\r") {
		return nil
	}
	chunks := splitChunks(data, max(len(data)/(procs*2), minChunk))
	if len(chunks) < 2 {
		return nil
	}
	return parseChunks(chunks, procs)
}

// parseChunks parses chunks on procs cores and joins their nodes in order,
// or returns nil when a chunk fails or does not continue what precedes it.
func parseChunks(chunks []chunk, procs int) *yaml.Node {
	results := make([]*yaml.Node, len(chunks))
	var (
		wg  sync.WaitGroup
		sem = make(chan struct{}, procs)
	)
	for i, c := range chunks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = c.parse()
		}()
	}
	wg.Wait()
	if slices.Contains(results, nil) || chunks[0].continues {
		return nil
	}
	root := results[0]
	for i := 1; i < len(chunks); i++ {
		r := results[i]
		if !chunks[i].continues {
			root.Content = append(root.Content, r.Content...)
			continue
		}
		// A continuation holds further items of the list (or entries of
		// the mapping) the previous chunk ended in, parsed on its own.
		last := root.Content[len(root.Content)-1]
		if last.Kind != chunks[i].kind() || r.Column != last.Column {
			return nil
		}
		last.Content = append(last.Content, r.Content...)
	}
	return root
}

// chunk is a piece of the file: text to parse, the number of lines to add
// to its line numbers, and whether it continues the previous chunk's list.
type chunk struct {
	text      []byte
	offset    int
	end       int // the line index after the chunk
	continues bool
	mapping   bool // the continued collection is a mapping, not a list
	items     int  // the entries a continuation holds
}

// kind is the node kind the chunk parses to: a mapping, or the list a
// continuation of a list holds.
func (c chunk) kind() yaml.Kind {
	if c.continues && !c.mapping {
		return yaml.SequenceNode
	}
	return yaml.MappingNode
}

// parse returns the chunk's node with the file's line numbers, or nil when
// it fails to parse or is not of its kind.
func (c chunk) parse() *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(c.text, &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != c.kind() {
		return nil
	}
	shiftLines(doc.Content[0], c.offset)
	return doc.Content[0]
}

func shiftLines(n *yaml.Node, offset int) {
	n.Line += offset
	for _, c := range n.Content {
		shiftLines(c, offset)
	}
}

// line is one line of the file with its start offset.
type line struct {
	start, end int // byte offsets; end excludes the newline
}

// splitChunks cuts data into chunks of about size bytes, or returns nil
// when the layout is not plain enough to cut safely.
func splitChunks(data []byte, size int) []chunk {
	lines := make([]line, 0, bytes.Count(data, []byte{'\n'})+1)
	for start := 0; start < len(data); {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		lines = append(lines, line{start, end})
		start = end + 1
	}
	// at returns the byte offset where line i starts (len(data) past the end).
	at := func(i int) int {
		if i < len(lines) {
			return lines[i].start
		}
		return len(data)
	}
	// Top-level sections start at unindented key lines.
	var sections []int
	for i, l := range lines {
		t := data[l.start:l.end]
		if len(t) == 0 || t[0] == ' ' || t[0] == '#' {
			continue
		}
		if !isTopKey(t) {
			return nil
		}
		sections = append(sections, i)
	}
	if len(sections) == 0 || sections[0] != firstContent(data, lines) {
		return nil
	}
	keyLines := append([]int(nil), sections...)
	sections[0] = 0 // leading comments go with the first section
	sections = append(sections, len(lines))

	var chunks []chunk
	// whole adds lines [from, to) as a chunk of complete sections, joined
	// to the previous chunk while that stays under size.
	whole := func(from, to int) {
		if n := len(chunks); n > 0 && !chunks[n-1].continues && chunks[n-1].end == from && at(to)-at(chunks[n-1].offset) <= size {
			chunks[n-1].text, chunks[n-1].end = data[at(chunks[n-1].offset):at(to)], to
			return
		}
		chunks = append(chunks, chunk{text: data[at(from):at(to)], offset: from, end: to})
	}
	for s := 0; s+1 < len(sections); s++ {
		first, stop := sections[s], sections[s+1]
		var items []int
		mapping := false
		if at(stop)-at(first) > size {
			items, mapping = itemStarts(data, lines, keyLines[s], stop)
		}
		if items == nil {
			whole(first, stop)
			continue
		}
		// A long list: the first piece holds the key line; the others hold
		// items only, which parse as a list on their own.
		from, fromItem := first, 0
		for k := 1; k <= len(items); k++ {
			to := stop
			if k < len(items) {
				to = items[k]
				if at(to)-at(from) < size {
					continue
				}
			}
			if from == first {
				whole(from, to)
			} else {
				chunks = append(chunks, chunk{text: data[at(from):at(to)], offset: from, end: to, continues: true, mapping: mapping, items: k - fromItem})
			}
			from, fromItem = to, k
		}
	}
	return chunks
}

// firstContent returns the index of the first line that is neither blank
// nor a comment.
func firstContent(data []byte, lines []line) int {
	for i, l := range lines {
		t := bytes.TrimLeft(data[l.start:l.end], " ")
		if len(t) > 0 && t[0] != '#' {
			return i
		}
	}
	return -1
}

// isTopKey reports whether t is a plain top-level key line: "name:" alone
// or followed by a space.
func isTopKey(t []byte) bool {
	i := 0
	for i < len(t) && (t[i] >= 'a' && t[i] <= 'z' || t[i] >= 'A' && t[i] <= 'Z' || t[i] == '_' || t[i] >= '0' && t[i] <= '9' || t[i] == '-') {
		i++
	}
	if i == 0 || i >= len(t) || t[i] != ':' {
		return false
	}
	return i+1 == len(t) || t[i+1] == ' '
}

// itemStarts returns the lines that start the items of the block
// collection making up section lines (first, stop), and whether it is a
// mapping, or nil when the section is not plain enough: "key:" alone, then
// either "- " items or "key:" entries, all at one indentation.
func itemStarts(data []byte, lines []line, first, stop int) ([]int, bool) {
	head := bytes.TrimRight(data[lines[first].start:lines[first].end], " ")
	if len(head) == 0 || head[len(head)-1] != ':' {
		return nil, false
	}
	indent := -1
	mapping := false
	var starts []int
	for i := first + 1; i < stop; i++ {
		t := data[lines[i].start:lines[i].end]
		trimmed := bytes.TrimLeft(t, " ")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		ind := len(t) - len(trimmed)
		if indent < 0 {
			indent = ind
			mapping = trimmed[0] != '-'
		}
		if ind < indent {
			return nil, false
		}
		if ind == indent {
			if mapping {
				if !isEntryKey(trimmed) {
					return nil, false
				}
			} else if trimmed[0] != '-' || len(trimmed) > 1 && trimmed[1] != ' ' {
				return nil, false
			}
			starts = append(starts, i)
		}
	}
	if len(starts) < 2 {
		return nil, false
	}
	return starts, mapping
}

// isEntryKey reports whether t starts a block mapping entry with a plain
// key: no indicator first, no quote, bracket, brace or comment before the
// first ": " (or a ':' ending the line).
func isEntryKey(t []byte) bool {
	if len(t) == 0 || bytes.IndexByte([]byte("-?:,[]{}#&*!|>'\"%@`"), t[0]) >= 0 {
		return false
	}
	for i, c := range t {
		switch c {
		case '"', '\'', '[', ']', '{', '}', '#', ',':
			return false
		case ':':
			return i+1 == len(t) || t[i+1] == ' '
		}
	}
	return false
}

// parseLarge parses data into its document node, in parallel when the file
// is large and plainly laid out.
func parseLarge(data []byte) (*yaml.Node, bool) {
	if len(data) < parallelMin {
		return nil, false
	}
	root := parseParallel(data, runtime.GOMAXPROCS(0), parallelMin/4)
	return root, root != nil
}
