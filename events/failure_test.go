package events_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// dlqSender records what it is asked to send; fail, when set,
// decides the outcome of each call.
type dlqSender struct {
	mu   sync.Mutex
	sent []*events.Message
	fail func(call int) error
	call int
}

func (s *dlqSender) Send(ctx context.Context, msgs ...*events.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.call++
	if s.fail != nil {
		if err := s.fail(s.call); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		if err := m.Validate(); err != nil {
			return &events.BatchError{Errs: []error{err}}
		}
	}
	s.sent = append(s.sent, msgs...)
	return nil
}

var quiet = events.WithFailureLogger(slog.New(slog.DiscardHandler))

func fast() events.FailureOption { return events.WithBackoff(0, 0, 0) }

func TestFailureOptionsValidated(t *testing.T) {
	h := events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil })
	for name, opt := range map[string]events.FailureOption{
		"attempts 0":        events.WithAttempts(0),
		"negative backoff":  events.WithBackoff(-time.Second, time.Second, 0),
		"max below initial": events.WithBackoff(time.Second, time.Millisecond, 0),
		"jitter 2":          events.WithBackoff(0, 0, 2),
		"nil DLQ":           events.WithDLQ(nil),
		"bad DLQ topic":     events.WithDLQTopic("d\u00e9"),
		"nil logger":        events.WithFailureLogger(nil),
	} {
		if _, err := events.NewFailureHandler(h, "svc", opt); !errors.Is(err, events.ErrInvalidOption) {
			t.Errorf("%s: NewFailureHandler = %v, want an error wrapping ErrInvalidOption", name, err)
		}
	}
	if _, err := events.NewFailureHandler(nil, "svc"); err == nil {
		t.Error("NewFailureHandler(nil) accepted it")
	}
	if _, err := events.NewFailureHandler(h, ""); err == nil {
		t.Error("NewFailureHandler with an empty service accepted it")
	}
	if _, err := events.NewFailureHandler(h, "my service"); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("NewFailureHandler with a service that makes an invalid retry topic = %v, want ErrInvalidMessage", err)
	}
}

func TestAttemptOutsideFailureHandler(t *testing.T) {
	if n := events.Attempt(context.Background()); n != 0 {
		t.Errorf("Attempt(background) = %d, want 0", n)
	}
}

func TestPanicErrorUnwraps(t *testing.T) {
	sentinel := errors.New("inner")
	pe := &events.PanicError{Value: sentinel}
	if !errors.Is(pe, sentinel) {
		t.Error("a PanicError of an error value does not unwrap to it")
	}
	if (&events.PanicError{Value: 42}).Unwrap() != nil {
		t.Error("a PanicError of a non-error value unwraps to something")
	}
}

func TestTopicsAddRetryTopic(t *testing.T) {
	r := events.NewRouter()
	events.Handle(r, "orders", func(context.Context, events.Delivery[orderPlaced]) error { return nil })
	fh, _ := events.NewFailureHandler(r, "shop")
	if got, want := fh.Topics(), []string{"orders", "retry-shop"}; !slices.Equal(got, want) {
		t.Errorf("Topics() = %v, want %v", got, want)
	}
	fh, _ = events.NewFailureHandler(r, "shop", events.WithoutRetryTopic())
	if got, want := fh.Topics(), []string{"orders"}; !slices.Equal(got, want) {
		t.Errorf("Topics() without retry topic = %v, want %v", got, want)
	}
}

func TestDLQSendRetriedUntilAcknowledged(t *testing.T) {
	s := &dlqSender{fail: func(call int) error {
		if call < 3 {
			return errors.New("broker unavailable")
		}
		return nil
	}}
	fh, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error {
		return errors.New("handler fails")
	}), "svc", events.WithAttempts(1), fast(), events.WithDLQ(s), quiet)
	if err := fh.HandleMessage(context.Background(), message("orders", "order_placed", `{}`)); err != nil {
		t.Fatalf("HandleMessage = %v, want nil once the dead letter is acknowledged", err)
	}
	if s.call != 3 || len(s.sent) != 1 {
		t.Errorf("DLQ sends: %d calls, %d sent; want 3 calls and 1 sent", s.call, len(s.sent))
	}
}

func TestShutdownLeavesTheMessageUnacknowledged(t *testing.T) {
	s := &dlqSender{fail: func(int) error { return errors.New("broker unavailable") }}
	ctx, cancel := context.WithCancel(context.Background())
	fh, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error {
		return errors.New("handler fails")
	}), "svc", events.WithAttempts(1), events.WithBackoff(time.Millisecond, time.Millisecond, 0), events.WithDLQ(s), quiet)
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := fh.HandleMessage(ctx, message("orders", "order_placed", `{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("HandleMessage while the DLQ is down and the subscriber stops = %v, want context.Canceled (not acknowledged)", err)
	}

	// A shutdown during the backoff between attempts: no dead letter.
	s2 := &dlqSender{}
	ctx2, cancel2 := context.WithCancel(context.Background())
	fh2, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(ctx context.Context, _ *events.Message) error {
		cancel2()
		return errors.New("handler fails")
	}), "svc", events.WithAttempts(5), events.WithBackoff(time.Hour, time.Hour, 0), events.WithDLQ(s2), quiet)
	if err := fh2.HandleMessage(ctx2, message("orders", "order_placed", `{}`)); err == nil {
		t.Error("HandleMessage during shutdown returned nil: the message would be acknowledged")
	}
	if len(s2.sent) != 0 {
		t.Errorf("%d dead letters sent during shutdown, want none", len(s2.sent))
	}
}

func TestSuperviseReturnsRunResult(t *testing.T) {
	fh, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil }), "svc", quiet)
	want := errors.New("run failed")
	if err := fh.Supervise(context.Background(), func(context.Context) error { return want }); err != want {
		t.Errorf("Supervise = %v, want run's error", err)
	}
}

func TestSuperviseStopsOnFailureWithoutDLQ(t *testing.T) {
	fh, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error {
		return errors.New("handler fails")
	}), "svc", events.WithAttempts(2), fast(), quiet)
	m := message("orders", "order_placed", `{}`)
	err := fh.Supervise(context.Background(), func(ctx context.Context) error {
		if err := fh.HandleMessage(ctx, m); !errors.Is(err, events.ErrStopSubscriber) {
			t.Errorf("HandleMessage = %v, want ErrStopSubscriber", err)
		}
		<-ctx.Done() // Supervise cancels the subscriber
		return nil
	})
	var fe *events.FailedError
	if !errors.As(err, &fe) || fe.Attempts != 2 || fe.EventID != m.EventID || !strings.Contains(err.Error(), "failed after 2 attempts") {
		t.Fatalf("Supervise = %v, want the *FailedError of the event", err)
	}
	// Stopped: further messages are refused without calling the handler.
	if err := fh.HandleMessage(context.Background(), message("orders", "order_placed", `{}`)); !errors.Is(err, events.ErrStopSubscriber) {
		t.Errorf("HandleMessage after the stop = %v, want ErrStopSubscriber", err)
	}
}

func TestParseDeadLetter(t *testing.T) {
	m := message("dlq", "order_placed", `{}`)
	if _, err := events.ParseDeadLetter(m); !errors.Is(err, events.ErrNotDeadLetter) {
		t.Errorf("ParseDeadLetter of a plain message = %v, want ErrNotDeadLetter", err)
	}
	m.Headers = map[string]string{events.HeaderOriginalTopic: "orders", events.HeaderService: "svc", events.HeaderExcMsg: "boom", "tenant": "t"}
	d, err := events.ParseDeadLetter(m)
	if err != nil || d.OriginalTopic != "orders" || d.ExcMsg != "boom" || len(d.UserHeaders) != 1 || d.Headers["tenant"] != "t" {
		t.Fatalf("ParseDeadLetter = %+v, %v", d, err)
	}
	d.Headers["tenant"] = "changed"
	if m.Headers["tenant"] != "t" {
		t.Error("ParseDeadLetter shares its headers with the message")
	}
	r := events.RetryMessage(d, nil)
	if r.Topic != "retry-svc" || r.Headers[events.HeaderOriginalTopic] != "orders" || r.Headers["tenant"] != "t" || r.EventID == m.EventID {
		t.Errorf("RetryMessage = %+v", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("RetryMessage is invalid: %v", err)
	}
	if _, ok := hexkit.CorrelationID(context.Background()); ok {
		t.Fatal("background context has a correlation id")
	}
}

// A replayed dead letter reaches the handler under its original topic and
// its original event id, so every replay of one dead letter is the same
// event to an idempotent consumer; a replay without a valid original id
// keeps its own.
func TestRetryKeepsTheOriginalEventID(t *testing.T) {
	failed := message("orders", "order_placed", `{"id":"o-1"}`)
	dead := message("dlq", "order_placed", `{"id":"o-1"}`)
	dead.Headers = map[string]string{events.HeaderOriginalTopic: "orders", events.HeaderOriginalEventID: failed.EventID,
		events.HeaderService: "svc", events.HeaderExcClass: "E", events.HeaderExcMsg: "boom"}
	d, err := events.ParseDeadLetter(dead)
	if err != nil {
		t.Fatal(err)
	}
	var got []*events.Message
	fh, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(_ context.Context, m *events.Message) error {
		got = append(got, m)
		return nil
	}), "svc", quiet)
	r1, r2 := events.RetryMessage(d, nil), events.RetryMessage(d, nil)
	if r1.EventID == r2.EventID || r1.Headers[events.HeaderOriginalEventID] != failed.EventID {
		t.Fatalf("replays %+v and %+v: want new ids and header original_event_id %s", r1, r2, failed.EventID)
	}
	d.OriginalEventID = "not-a-uuid"
	r3 := events.RetryMessage(d, nil)
	if _, ok := r3.Headers[events.HeaderOriginalEventID]; ok {
		t.Errorf("a replay carries an invalid original_event_id: %+v", r3.Headers)
	}
	for _, r := range []*events.Message{r1, r2, r3} {
		if err := fh.HandleMessage(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range got[:2] {
		if m.Topic != "orders" || m.EventID != failed.EventID || len(m.Headers) != 0 {
			t.Errorf("replay %d delivered as %+v, want topic orders, event id %s, no detour headers", i, m, failed.EventID)
		}
	}
	if got[2].EventID != r3.EventID {
		t.Errorf("a replay without a valid original id delivered as %s, want its own id %s", got[2].EventID, r3.EventID)
	}
}

// The router's middleware runs inside the failure handling: once per
// attempt, with the attempt in its context, and on messages of the retry
// topic under their original topic, as WithMiddleware and FailureHandler
// document.
func TestMiddlewareRunsInsideEachAttempt(t *testing.T) {
	var seen []string
	mw := func(next events.MessageHandler) events.MessageHandler {
		return events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			err := next.HandleMessage(ctx, m)
			seen = append(seen, fmt.Sprintf("%s/%d/%v", m.Topic, events.Attempt(ctx), err != nil))
			return err
		})
	}
	r := events.NewRouter(events.WithMiddleware(mw), events.WithLogger(slog.New(slog.DiscardHandler)))
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		if events.Attempt(ctx) < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	fh, err := events.NewFailureHandler(r, "shop", events.WithAttempts(3), fast(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	m := message("retry-shop", "order_placed", `{}`)
	m.Headers = map[string]string{events.HeaderOriginalTopic: "orders"}
	if err := fh.HandleMessage(context.Background(), m); err != nil {
		t.Fatalf("HandleMessage = %v, want nil: the third attempt succeeds", err)
	}
	if want := []string{"orders/1/true", "orders/2/true", "orders/3/false"}; !slices.Equal(seen, want) {
		t.Errorf("middleware saw (topic/attempt/failed) %v, want %v", seen, want)
	}
}
