package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("public-storage-bucket", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if c.Type != "object-storage" && c.Type != "file-storage" && !threats.TechIs(c, "s3", "gcs", "blob-storage", "bucket") || e.Has(c.ID, "public-access-block") {
				continue
			}
			if !inCloud(e, c) && !threats.TechIs(c, "s3", "gcs", "blob-storage", "bucket") {
				continue
			}
			held := e.DataAmong(func(d *model.DataAsset) bool { return d.Classification.Level() >= 1 }, c.Stores)
			if len(held) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s is cloud storage holding %s: one public ACL, "+
				"bucket policy or shared link, set for a test or a website, publishes it to the internet.", e.Name(c.ID), e.NameList(held))}
			if c.InternetFacing {
				h.Likelihood = 4
				h.Detail += " It is modelled as internet-facing."
			}
			emit(h)
		}
	})
}
