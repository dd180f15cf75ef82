package threats

import (
	"context"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// load parses a model written inline in a test and fails on any error.
func load(t *testing.T, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), "test.yaml", []byte(src), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("test model is invalid:\n%v", errs)
	}
	return m
}
