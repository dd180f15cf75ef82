package sqlite

import "testing"

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = $1 AND b = $2", "a = ? AND b = ?"},
		{"VALUES ($1, $2), ($3, $4)", "VALUES (?, ?), (?, ?)"},
		// Reused or out-of-order parameters keep their numbers.
		{"a = $1 AND b = (SELECT $1) AND c = $2", "a = ?1 AND b = (SELECT ?1) AND c = ?2"},
		{"a = $2 AND b = $1", "a = ?2 AND b = ?1"},
		{"x IN (SELECT value FROM json_each($10))", "x IN (SELECT value FROM json_each(?10))"},
	}
	for _, c := range cases {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
