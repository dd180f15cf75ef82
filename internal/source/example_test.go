package source_test

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/source"
)

// A reader parses the document, then reads it with the accessors, which
// record a problem for each thing wrong and carry on.
func ExampleParse() {
	data := []byte("{\n  \"name\": \"Shop\",\n  \"items\": [{\"kind\": \"servce\"}, 3],\n  \"name\": \"again\"\n}\n")
	doc := source.Parse("shop.json", data, source.Limits{})
	if doc.Root == nil {
		fmt.Println(doc.Problems)
		return
	}
	o, _ := doc.Object(doc.Root, "")
	fmt.Println("name:", o.Str("name", true))
	kinds := []string{"service", "store"}
	for _, it := range o.Arr("items", false) {
		item, ok := doc.ItemObj(it)
		if !ok {
			continue
		}
		if k := item.Str("kind", true); k != "" && k != "service" && k != "store" {
			doc.Errorf(item.At("kind"), source.CodeUnknownValue, item.KeyPath("kind"), source.Suggest(k, kinds), "unknown kind '%s'", k)
		}
	}
	for _, p := range doc.Problems {
		fmt.Printf("%s [%s]\n", p, p.Code)
	}
	// Output:
	// name: Shop
	// shop.json:4:3: duplicate key "name" (first at line 2) (remove one of them) [duplicate_key]
	// shop.json:3:22: items[0].kind: unknown kind 'servce' (did you mean 'service'?) [unknown_value]
	// shop.json:3:33: items[1]: expected an object, found a number (3) [wrong_type]
}
