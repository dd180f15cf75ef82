// Package client talks to a Rampart server's API for the CLI: push a
// model, read the register's decisions, compare versions, verify the audit
// trail. Errors from the server come back as *Problem.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/diff"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
)

// Client is an API client. The zero value is not usable; see New.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// New returns a client for the server at base (e.g. https://rampart.example)
// authenticating with token (may be empty for anonymous calls).
func New(base, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want http(s)://host[:port]", base)
	}
	return &Client{base: u, token: token, http: &http.Client{Timeout: 2 * time.Minute}}, nil
}

// Problem is an RFC 9457 problem the server answered with.
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
		Value    any    `json:"value,omitempty"`
	} `json:"errors,omitempty"`
	// Problems are a refused model's problems, as `rampart validate` prints them.
	Problems []model.Problem `json:"problems,omitempty"`
	// Current is the current state sent with a 412.
	Current json.RawMessage `json:"current,omitempty"`
}

func (p *Problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "server: %d %s", p.Status, cmpOr(p.Detail, p.Title))
	for _, e := range p.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", e.Location, e.Message)
	}
	return b.String()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// do sends a request and decodes a JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body io.Reader, contentType string, out any) error {
	u := *c.base
	u.Path += "/api/v1" + path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("reach the server: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode >= 400 {
		p := &Problem{Status: resp.StatusCode, Title: resp.Status}
		if json.Unmarshal(data, p) != nil {
			p.Detail = strings.TrimSpace(string(data))
		}
		return p
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode the answer: %w", err)
	}
	return nil
}

// Push sends a model version of system; src is the model (YAML or JSON)
// with includes merged.
func (c *Client) Push(ctx context.Context, system string, src []byte, ref string) (register.Pushed, error) {
	var v register.Pushed
	q := url.Values{}
	if ref != "" {
		q.Set("ref", ref)
	}
	err := c.do(ctx, http.MethodPost, "/systems/"+url.PathEscape(system)+"/versions", q, bytes.NewReader(src), "application/yaml", &v)
	return v, err
}

// Decisions returns the register's decisions for a system.
func (c *Client) Decisions(ctx context.Context, system string) (server.Decisions, error) {
	var d server.Decisions
	err := c.do(ctx, http.MethodGet, "/systems/"+url.PathEscape(system)+"/decisions", nil, nil, "", &d)
	return d, err
}

// Diff compares two versions of a system on the server (to 0: the latest).
func (c *Client) Diff(ctx context.Context, system string, from, to int) (*diff.Report, error) {
	q := url.Values{"from": {strconv.Itoa(from)}}
	if to > 0 {
		q.Set("to", strconv.Itoa(to))
	}
	var r diff.Report
	err := c.do(ctx, http.MethodGet, "/systems/"+url.PathEscape(system)+"/diff", q, nil, "", &r)
	return &r, err
}

// VerifyAudit asks the server to check the audit trail.
func (c *Client) VerifyAudit(ctx context.Context) (server.AuditReport, error) {
	var r server.AuditReport
	err := c.do(ctx, http.MethodGet, "/audit/verify", nil, nil, "", &r)
	return r, err
}
