package threatdragon

import "math"

// point and rect are diagram coordinates (y grows downwards).
type point struct{ X, Y float64 }

type rect struct{ X, Y, W, H float64 }

func (r rect) center() point { return point{r.X + r.W/2, r.Y + r.H/2} }

func (r rect) contains(p point) bool {
	return p.X >= r.X && p.X <= r.X+r.W && p.Y >= r.Y && p.Y <= r.Y+r.H
}

func (r rect) area() float64 { return r.W * r.H }

// distance is how far p lies outside r (0 when inside).
func (r rect) distance(p point) float64 {
	dx := math.Max(math.Max(r.X-p.X, 0), p.X-(r.X+r.W))
	dy := math.Max(math.Max(r.Y-p.Y, 0), p.Y-(r.Y+r.H))
	return math.Hypot(dx, dy)
}

// encloses reports whether o's centre lies in r and o is smaller than r.
func (r rect) encloses(o rect) bool { return r.contains(o.center()) && o.area() < r.area() }

// sideOf tells on which side of an open polyline p lies: the polyline is
// extended far beyond both ends along its end segments and closed around
// its left-hand half plane; it returns true for points inside that region.
// A curved trust boundary thus splits the diagram in two.
func sideOf(line []point, p point) bool {
	if len(line) < 2 {
		return false
	}
	const far = 1e6
	ext := func(a, b point) point { // from b, continue away from a
		dx, dy := b.X-a.X, b.Y-a.Y
		l := math.Hypot(dx, dy)
		if l == 0 {
			return b
		}
		return point{b.X + dx/l*far, b.Y + dy/l*far}
	}
	start := ext(line[1], line[0])
	end := ext(line[len(line)-2], line[len(line)-1])
	// The left normal of the chord from start to end.
	dx, dy := end.X-start.X, end.Y-start.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return false
	}
	nx, ny := dy/l*far*4, -dx/l*far*4
	poly := make([]point, 0, len(line)+4)
	poly = append(poly, start)
	poly = append(poly, line...)
	poly = append(poly, end, point{end.X + nx, end.Y + ny}, point{start.X + nx, start.Y + ny})
	return inPolygon(poly, p)
}

// inPolygon is the even-odd ray casting test.
func inPolygon(poly []point, p point) bool {
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.Y > p.Y) != (b.Y > p.Y) {
			x := (b.X-a.X)*(p.Y-a.Y)/(b.Y-a.Y) + a.X
			if p.X < x {
				in = !in
			}
		}
	}
	return in
}
