// Command mitre generates internal/catalog/mitre_gen.json, the embedded MITRE
// catalog, from MITRE's ATT&CK, CAPEC and D3FEND releases. Run it through go
// generate in internal/catalog (see catalog.go for the arguments).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/rampart-sec/rampart/internal/atomicfile"
	"github.com/rampart-sec/rampart/internal/catalog/internal/mitregen"
)

type options struct {
	enterprise, ics, capec, d3fend   string
	enterpriseVersion, d3fendVersion string
	out                              string
}

func main() {
	var o options
	flag.StringVar(&o.enterprise, "enterprise", "", "ATT&CK Enterprise STIX bundle (enterprise-attack.json)")
	flag.StringVar(&o.enterpriseVersion, "enterprise-version", "", "ATT&CK release of that bundle, when it has no collection object saying it")
	flag.StringVar(&o.ics, "ics", "", "ATT&CK ICS STIX bundle (ics-attack.json)")
	flag.StringVar(&o.capec, "capec", "", "CAPEC STIX bundle (stix-capec.json)")
	flag.StringVar(&o.d3fend, "d3fend", "", "D3FEND ontology in Turtle (d3fend-protege.ttl)")
	flag.StringVar(&o.d3fendVersion, "d3fend-version", "", "D3FEND release of that ontology")
	flag.StringVar(&o.out, "out", "mitre_gen.json", "file to write")
	flag.Parse()
	if o.enterprise == "" || o.ics == "" || o.capec == "" || o.d3fend == "" || o.d3fendVersion == "" {
		fmt.Fprintln(os.Stderr, "usage: mitre -enterprise FILE [-enterprise-version V] -ics FILE -capec FILE -d3fend FILE -d3fend-version V [-out mitre_gen.json]")
		os.Exit(2)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "mitre:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	in := mitregen.Inputs{EnterpriseVersion: o.enterpriseVersion, D3FENDVersion: o.d3fendVersion}
	for _, f := range []struct {
		path string
		dst  *mitregen.Source
	}{{o.enterprise, &in.Enterprise}, {o.ics, &in.ICS}, {o.capec, &in.CAPEC}, {o.d3fend, &in.D3FEND}} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return fmt.Errorf("reading input: %w", err)
		}
		*f.dst = mitregen.Source{Name: f.path, Data: data}
	}
	c, err := mitregen.Build(ctx, in)
	if err != nil {
		return err
	}
	src, err := mitregen.Render(c)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(o.out, src, true); err != nil {
		return fmt.Errorf("writing the catalog: %w", err)
	}
	slog.Info("generated MITRE catalog", "techniques", len(c.Techniques), "capec", len(c.CAPEC), "d3fend", len(c.D3FEND), "bytes", len(src), "file", o.out)
	return nil
}
