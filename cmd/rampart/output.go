package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rampart-sec/rampart/internal/atomicfile"
	"github.com/rampart-sec/rampart/internal/report"
)

// outWriter wraps standard output and remembers the first failed write
// (a full disk, a closed descriptor), which makes the command fail even
// where it ignored the error itself.
type outWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		o.mu.Unlock()
	}
	return n, err
}

// failed returns the first write error.
func (o *outWriter) failed() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// fileOf returns the *os.File under w, if any.
func fileOf(w io.Writer) (*os.File, bool) {
	if o, ok := w.(*outWriter); ok {
		w = o.w
	}
	f, ok := w.(*os.File)
	return f, ok
}

// isTerminal reports whether w is a terminal that wants colour.
func isTerminal(w io.Writer) bool {
	return isTTY(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// isTTY reports whether w is a terminal.
func isTTY(w io.Writer) bool {
	f, ok := fileOf(w)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminalWidth is the width of the terminal w, or 0 when w is not one.
func terminalWidth(w io.Writer) int {
	f, ok := fileOf(w)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

// toStdout reports whether an output path means standard output.
func toStdout(path string) bool { return path == "" || path == "-" }

// target is one thing a command writes: a format, and a file or stdout.
type target struct {
	path   string // "" or "-": standard output
	name   string // what is written, for messages and the "wrote" line
	binary bool
}

// checkOutput refuses, before any work is done, an output that would
// replace one of the command's input files, a directory, or binary data
// for a terminal.
func checkOutput(cmd *cobra.Command, o target, inputs []string) error {
	if toStdout(o.path) {
		if o.binary && isTTY(cmd.OutOrStdout()) {
			return fail(exitUsage, fmt.Errorf("refusing to write %s (binary) to the terminal; write it to a file with -o FILE, or redirect the output", o.name))
		}
		return nil
	}
	st, err := os.Stat(o.path)
	if err != nil {
		return nil // does not exist yet, or the write reports why not
	}
	if st.IsDir() {
		return fail(exitUsage, fmt.Errorf("%s is a directory; name a file in it", o.path))
	}
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
			return fail(exitUsage, fmt.Errorf("refusing to write %s over %s, which this command reads; choose another output file", o.path, in))
		}
	}
	return nil
}

// writeOutput writes what fill writes to o: to standard output, or to the
// file whole or not at all, then says so on stderr. Call checkOutput first.
func writeOutput(cmd *cobra.Command, o target, fill func(io.Writer) error) error {
	if toStdout(o.path) {
		if err := untilCancelled(cmd.Context(), func() error { return fill(cmd.OutOrStdout()) }); err != nil {
			return fail(exitUsage, fmt.Errorf("write %s: %w", o.name, err))
		}
		return nil
	}
	// Opening a FIFO blocks until it has a reader: Ctrl-C stops that too.
	err := untilCancelled(cmd.Context(), func() error {
		return atomicfile.WriteFunc(cmd.Context(), o.path, true, fill)
	})
	if err != nil {
		return fail(exitUsage, explainWriteError(o.path, err))
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s)\n", o.path, o.name)
	return nil
}

// untilCancelled runs work and returns its error, or ctx's as soon as ctx
// is cancelled: Ctrl-C stops the command at once even inside work that does
// not watch the context itself (the process exits before it finishes; a
// file being written is discarded).
func untilCancelled(ctx context.Context, work func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- work() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// explainWriteError adds what to do to an atomicfile error.
func explainWriteError(path string, err error) error {
	switch {
	case errors.Is(err, atomicfile.ErrNoDir):
		dir := filepath.Dir(path)
		return fmt.Errorf("%w (create it first: mkdir -p %s)", err, shellQuote(dir))
	case errors.Is(err, atomicfile.ErrExists):
		return fmt.Errorf("%s already exists (use --force to overwrite it)", path)
	}
	return err
}

// shellQuote quotes s for a shell command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// resultOutput is an analysis result to write in a registered format.
type resultOutput struct {
	target
	format report.Format
}

// resultOutputs resolves -f/-o and --out into the outputs to write. The
// format is -f's, else the one -o's extension names (an unknown extension
// is an error), else def. allowed, when set, limits the formats.
func (f *outputFlags) resultOutputs(cmd *cobra.Command, def string, allowed []string) ([]resultOutput, error) {
	pick := func(format, path string) (resultOutput, error) {
		var (
			rf  report.Format
			err error
		)
		switch {
		case format != "":
			rf, err = report.Lookup(format)
		case !toStdout(path) && filepath.Ext(path) != "":
			rf, err = report.ForPath(path)
			if err != nil && allowed != nil {
				err = fmt.Errorf("cannot tell the format from the name %q: name it with --format (%s), or use a file name ending in .%s",
					path, strings.Join(allowed, ", "), strings.Join(allowed, ", ."))
			}
		default:
			rf, err = report.Lookup(def)
		}
		if err != nil {
			return resultOutput{}, fail(exitUsage, err)
		}
		if allowed != nil && !slices.Contains(allowed, rf.Name()) {
			return resultOutput{}, fail(exitUsage, fmt.Errorf("%s cannot write %s (want one of %s)", cmd.Name(), rf.Name(), strings.Join(allowed, ", ")))
		}
		return resultOutput{target{path: path, name: rf.Name(), binary: rf.Binary()}, rf}, nil
	}
	var outs []resultOutput
	if len(f.outs) == 0 || cmd.Flags().Changed("format") || f.output != "" {
		o, err := pick(f.format, f.output)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
	}
	for _, spec := range f.outs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok || path == "" || name == "" {
			return nil, fail(exitUsage, fmt.Errorf("--out %q: want FORMAT=FILE, e.g. --out pdf=report.pdf", spec))
		}
		o, err := pick(name, path)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
	}
	stdout := 0
	for _, o := range outs {
		if toStdout(o.path) {
			stdout++
		}
	}
	if stdout > 1 {
		return nil, fail(exitUsage, errors.New("only one output can go to standard output; give the others a file"))
	}
	return outs, nil
}
