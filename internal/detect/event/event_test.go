package event

import (
	"errors"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want map[string]string // name → first value
	}{
		{"flat", `{"a":"x","n":12.5,"b":true,"z":null}`, map[string]string{"a": "x", "n": "12.5", "b": "true", "z": ""}},
		{"nested and arrays", `{"a":{"b":["x","y"],"c":{"d":1}}}`, map[string]string{"a.b": "x", "a.c.d": "1"}},
		{"escapes", `{"p":"C:\\Windows\u00e9\ud83d\ude00\n"}`, map[string]string{"p": "C:\\Windowsé😀\n"}},
		{"Windows roots", `{"Event":{"System":{"Provider":{"#attributes":{"Name":"P"}},"EventID":4624},"EventData":{"Source Name":"RTP"}}}`,
			map[string]string{"Provider_Name": "P", "EventID": "4624", "SourceName": "RTP", "Event.System.EventID": "4624"}},
	}
	d := NewDecoder()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ev Event
			if err := d.Decode([]byte(c.in), &ev); err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				f, ok := ev.Get(k)
				if !ok || f.Value != v {
					t.Errorf("%s = %q (%v), want %q", k, f.Value, ok, v)
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want error
	}{
		{"not JSON", `hello`, ErrSyntax},
		{"truncated", `{"a":"x`, ErrSyntax},
		{"trailing text", `{"a":1} x`, ErrSyntax},
		{"not an object", `[1,2]`, ErrNotObject},
		{"bad number", `{"a":1.2.3}`, ErrSyntax},
		{"control character", "{\"a\":\"x\x01\"}", ErrSyntax},
		{"too deep", strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), ErrTooDeep},
		{"too large", `{"a":"` + strings.Repeat("x", 2<<20) + `"}`, ErrTooLarge},
	}
	d := NewDecoder()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ev Event
			err := d.Decode([]byte(c.in), &ev)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
	d.Limits.MaxFields = 3
	var ev Event
	if err := d.Decode([]byte(`{"a":1,"b":2,"c":3,"d":4}`), &ev); !errors.Is(err, ErrTooMany) {
		t.Fatalf("error %v, want %v", err, ErrTooMany)
	}
}

// FuzzDecode: any input decodes or fails with one of the decoder's
// errors, never panics, and decoded fields stay within the limits.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":"x"}`, `{"a":{"b":[1,2,{"c":null}]}}`, `{"Event":{"EventData":{"x y":"\u00e9"}}}`, `{"a":"\ud800"}`, `[`, `{"a":-1e5}`} {
		f.Add([]byte(s))
	}
	d := NewDecoder()
	d.Limits = Limits{MaxBytes: 1 << 16, MaxDepth: 16, MaxFields: 256}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ev Event
		err := d.Decode(data, &ev)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooDeep) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooMany) && !errors.Is(err, ErrNotObject) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		if len(ev.Fields) > 2*256 {
			t.Fatalf("%d fields beyond the limit", len(ev.Fields))
		}
	})
}
