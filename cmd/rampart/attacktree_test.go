package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/attacktree"
	"github.com/rampart-sec/rampart/internal/model"
)

func TestAttackTreeCmd(t *testing.T) {
	shop := filepath.Join("..", "..", "examples", "online-shop.yaml")
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"attack-tree", shop}, exitOK, "digraph attack_trees {", ""},
		{[]string{"attack-tree", shop, "--asset", "payment-token", "-f", "json"}, exitOK, `"asset": "payment-token"`, ""},
		{[]string{"attack-tree", shop, "--asset", "payment-tokens"}, exitUsage, "", `--asset: no such data asset "payment-tokens" (did you mean 'payment-token'?)`},
		{[]string{"attack-tree", shop, "-f", "png"}, exitUsage, "", `--format "png": want one of dot, svg, json`},
		{[]string{"attack-tree", filepath.Join("..", "..", "examples", "missing.yaml")}, exitUsage, "", "missing.yaml"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[2:], " "), func(t *testing.T) {
			code, out, stderr := rulesRun(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if !strings.Contains(out, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stdout %q\nstderr %q\nwant %q / %q", out[:min(len(out), 300)], stderr, tt.stdout, tt.stderr)
			}
		})
	}
	// -o picks the format from the extension and writes the file whole.
	dir := t.TempDir()
	js := filepath.Join(dir, "trees.json")
	if code, _, stderr := rulesRun(t, "attack-tree", shop, "-o", js); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, _, err := model.Load(context.Background(), shop, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var trees []attacktree.Tree
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &trees); err != nil || len(trees) != len(attacktree.CrownJewels(m)) {
		t.Errorf("trees.json: %v, %d trees", err, len(trees))
	}
	svg := filepath.Join(dir, "trees.svg")
	if code, _, stderr := rulesRun(t, "attack-tree", shop, "--asset", "payment-token", "-o", svg); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(svg); !strings.Contains(string(data), "<svg") || !strings.Contains(string(data), "Compromise Payment tokens") {
		t.Errorf("trees.svg is not the drawn tree: %.200s", data)
	}
}
