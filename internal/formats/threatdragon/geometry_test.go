package threatdragon

import "testing"

func TestSideOf(t *testing.T) {
	vertical := []point{{100, 0}, {100, 200}}
	arch := []point{{0, 300}, {50, 100}, {250, 100}, {300, 300}}
	cases := []struct {
		name string
		line []point
		a, b point
		same bool
	}{
		{"vertical line splits left and right", vertical, point{50, 100}, point{150, 100}, false},
		{"vertical line, same side", vertical, point{50, 10}, point{20, 500}, true},
		{"beyond the end, extended", vertical, point{50, 900}, point{150, -900}, false},
		{"arch: inside vs outside", arch, point{150, 200}, point{150, 20}, false},
		{"arch: both outside", arch, point{150, 20}, point{-100, 200}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sideOf(c.line, c.a) == sideOf(c.line, c.b); got != c.same {
				t.Errorf("same side = %v, want %v", got, c.same)
			}
		})
	}
}

func TestRect(t *testing.T) {
	r := rect{0, 0, 100, 50}
	if !r.contains(point{50, 25}) || r.contains(point{150, 25}) {
		t.Error("contains")
	}
	if d := r.distance(point{103, 54}); d != 5 {
		t.Errorf("distance = %v, want 5", d)
	}
	if !r.encloses(rect{10, 10, 20, 20}) || (rect{10, 10, 20, 20}).encloses(r) {
		t.Error("encloses")
	}
}
