package register_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// mailbox is a loopback SMTP server that keeps what it receives.
type mailbox struct {
	mu    sync.Mutex
	rcpts []string
	data  string
}

func (m *mailbox) serve(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go m.session(c)
		}
	}()
	return l.Addr().String()
}

func (m *mailbox) session(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	say("220 mailbox ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 mailbox")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.mu.Lock()
			m.rcpts = append(m.rcpts, strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<>"))
			m.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.mu.Lock()
			m.data = b.String()
			m.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSMTPMailsTheUsersNamed(t *testing.T) {
	st := storetest.Engines[0].Open(t, store.Options{})
	ctx := context.Background()
	for _, u := range []store.User{{Name: "rose", Email: "rose@example.org"}, {Name: "sam"}} {
		if _, err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	mb := &mailbox{}
	n := register.SMTP{Addr: mb.serve(t), From: "rampart@example.org", Users: st}
	err := n.Notify(ctx, register.NotifyArgs{Event: "acceptance.submitted", Object: "acceptance/7\r\nBcc: x@evil",
		To: []string{"rose", "sam", "nobody"}, Text: "dev asks to accept\nthe risk"})
	if err != nil {
		t.Fatal(err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.rcpts) != 1 || mb.rcpts[0] != "rose@example.org" {
		t.Fatalf("recipients = %v (sam has no address, nobody is no user)", mb.rcpts)
	}
	if !strings.Contains(mb.data, "Subject: Rampart: acceptance.submitted acceptance/7  Bcc: x@evil\r\n") ||
		strings.Contains(mb.data, "\r\nBcc:") || !strings.Contains(mb.data, "dev asks to accept\r\nthe risk") {
		t.Fatalf("message =\n%s", mb.data)
	}
}
