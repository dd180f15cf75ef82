package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/source"
)

// Problem is one thing wrong with a model: where, what, and how to fix it.
// It is the input layer's problem type, shared by every reader.
type Problem = source.Problem

// Problems is a list of problems; as an error it reports them all.
type Problems = source.Problems

// Suggest, DescribeNode and SyntaxProblem are the input layer's, named here
// for the packages that read models through this one.
var (
	Suggest       = source.Suggest
	DescribeNode  = source.DescribeNode
	SyntaxProblem = source.SyntaxProblem
)

// problemf builds an error with code.
func problemf(pos Pos, code source.Code, path, hint, format string, args ...any) Problem {
	return source.Errorf(pos, code, path, hint, format, args...)
}

// oneOf renders a list of allowed values for a message.
func oneOf(values []string) string {
	if len(values) > 12 {
		return "one of " + strings.Join(values[:12], ", ") + fmt.Sprintf(" and %d more (run 'rampart schema' for all)", len(values)-12)
	}
	return "one of " + strings.Join(values, ", ")
}

func itoa(i int) string { return strconv.Itoa(i) }
