package kafka_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// TestOpenUnreachable checks what Open's documentation says of brokers it
// cannot use: a refused connection fails at once with the dial error,
// which no sentinel wraps; a broker that accepts connections but never
// answers makes Open return ctx's error.
func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	c, err := kafka.Open(ctx, kafka.Config{Brokers: []string{closed}})
	if err == nil {
		_ = c.Close(ctx)
		t.Fatalf("Open on %s, where nothing listens, succeeded", closed)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, events.ErrUnauthorized) ||
		errors.Is(err, kafka.ErrInvalidConfig) {
		t.Errorf("Open on a closed port = %v, want the dial error (*net.OpError) and no sentinel", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Open on a closed port took %v, want an answer at once", d)
	}

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		var conns []net.Conn
		for {
			conn, err := silent.Accept()
			if err != nil {
				break
			}
			conns = append(conns, conn)
		}
		for _, c := range conns {
			c.Close()
		}
	}()
	short, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if c, err := kafka.Open(short, kafka.Config{Brokers: []string{silent.Addr().String()}}); err != context.DeadlineExceeded {
		if err == nil {
			_ = c.Close(ctx)
		}
		t.Errorf("Open on a broker that never answers = %v, want context.DeadlineExceeded", err)
	}
}
