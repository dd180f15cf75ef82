// Command cwe generates internal/catalog/cwe_names_gen.go from MITRE's CWE
// XML catalog. Run it through go generate in internal/catalog:
//
//	go run ./gen/cwe -in ../../../shared/fixtures/mitre/cwec_v4.15.xml -out cwe_names_gen.go
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/rampart-sec/rampart/internal/atomicfile"
	"github.com/rampart-sec/rampart/internal/catalog/internal/cwexml"
)

func main() {
	in := flag.String("in", "", "CWE XML catalog (cwec_vX.Y.xml)")
	out := flag.String("out", "cwe_names_gen.go", "Go file to write")
	pkg := flag.String("pkg", "catalog", "package name of the generated file")
	flag.Parse()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "usage: cwe -in cwec_vX.Y.xml [-out cwe_names_gen.go] [-pkg catalog]")
		os.Exit(2)
	}
	if err := run(context.Background(), *in, *out, *pkg); err != nil {
		fmt.Fprintln(os.Stderr, "cwe:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in, out, pkg string) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("opening CWE catalog: %w", err)
	}
	defer f.Close()
	cat, err := cwexml.Parse(ctx, f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	src, err := cwexml.Render(cat, pkg)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(out, src, true); err != nil {
		return fmt.Errorf("writing generated names: %w", err)
	}
	slog.Info("generated CWE names", "version", cat.Version, "entries", len(cat.Entries), "file", out)
	return nil
}
