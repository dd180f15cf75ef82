package ids

import (
	"strings"
	"testing"
)

func TestSlugAndSanitize(t *testing.T) {
	for _, c := range []struct{ in, slug, sanitized string }{
		{"Web\nApplication", "web-application", "Web-Application"},
		{"(1) Customer logs in", "1-customer-logs-in", "1-Customer-logs-in"},
		{"db.main", "db-main", "db.main"},
		{"  ", "", ""},
		{"missing-authentication@a+b", "missing-authentication-a-b", "missing-authentication-a-b"},
		{"Payments API", "payments-api", "Payments-API"},
		{"  --x--  ", "x", "x"},
		{"Ünïcode 2", "n-code-2", "n-code-2"},
		{"a/b_c", "a-b-c", "a-b_c"},
		{strings.Repeat("word ", 20), strings.Repeat("word-", 12) + "w", strings.TrimSuffix(strings.Repeat("word-", 20), "-")},
		{strings.Repeat("abc ", 20), strings.Repeat("abc-", 15) + "a", strings.TrimSuffix(strings.Repeat("abc-", 20), "-")},
	} {
		if got := Slug(c.in); got != c.slug {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.slug)
		}
		if got := Slug(c.in); got != "" && (!Valid(got) || len(got) > MaxSlugLen+1 || strings.HasSuffix(got, "-")) {
			t.Errorf("Slug(%q) = %q: not a valid id of at most %d characters", c.in, got, MaxSlugLen)
		}
		if got := Sanitize(c.in); got != c.sanitized {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.sanitized)
		}
	}
	long := strings.Repeat("é", 200) + strings.Repeat("a", 200)
	if s := Sanitize(long); len(s) > MaxLen || !Valid(s) || s == Sanitize(long+"b") {
		t.Errorf("long id sanitised to %q", s)
	}
}

func TestValid(t *testing.T) {
	for id, want := range map[string]bool{
		"web": true, "a.b_c:d-e": true, "9": true, "": false, "-x": false, "a b": false, "é": false,
		strings.Repeat("a", MaxLen): true, strings.Repeat("a", MaxLen+1): false,
	} {
		if got := Valid(id); got != want {
			t.Errorf("Valid(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestSetTake(t *testing.T) {
	s := NewSet()
	got := []string{s.Take("x", "web"), s.Take("x", "web"), s.Take("x", ""), s.Take("", "", ""), s.Take("x", "web"), s.Take("x", "web-2")}
	want := []string{"web", "web-2", "x", "element", "web-3", "web-2-2"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Take gave %v, want %v", got, want)
	}
	if !s.Used("web-3") || s.Used("web-4") || s.Reserve("web") {
		t.Error("Used/Reserve disagree with Take")
	}
}

func TestUUID(t *testing.T) {
	a, b := UUID("threat", "T-1"), UUID("threat", "T-1")
	if a != b || !IsUUID(a) || a == UUID("threat", "T-2") || a[14] != '5' {
		t.Errorf("UUID not stable, valid and version 5: %s %s", a, b)
	}
}
