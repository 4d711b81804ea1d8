package events

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit"
)

// Delivery is one delivered event with its metadata, as a [Handler]
// receives it.
type Delivery[E Event] struct {
	Event         E
	Topic         string
	Key           string
	Type          string
	EventID       string
	CorrelationID string            // also in the handler's context
	Headers       map[string]string // user headers; nil when there are none
	Timestamp     time.Time         // set by the transport
}

// Handler handles typed events. Returning nil acknowledges the event; an
// error leaves it unacknowledged, so the subscriber redelivers it (or hands
// it to the failure handling configured on it). The context carries the
// event's correlation id, and ends when the subscriber shuts down.
type Handler[E Event] func(ctx context.Context, d Delivery[E]) error

// Middleware wraps the erased message handling, like net/http middleware
// wraps handlers. See [WithMiddleware].
type Middleware func(next MessageHandler) MessageHandler

// TopicLister is implemented by message handlers that know the topics they
// consume, such as [*Router]. Subscribers use it to pick their topics when
// none are given explicitly.
type TopicLister interface {
	Topics() []string
}

// Router dispatches delivered messages to typed handlers by topic and event
// type; it is the [MessageHandler] that services give to a subscriber.
// Register handlers with [Handle] before the router handles messages;
// registering later is safe but only affects later messages.
//
// For every message the router:
//  1. puts the message's correlation id into the context
//     ([github.com/hexkit-go/hexkit.WithCorrelationID]); a missing or invalid
//     one is replaced by a fresh id (with a warning);
//  2. runs the middleware ([WithMiddleware]), which sees every message,
//     including those refused by the next steps;
//  3. refuses, with a *ValidationError (not acknowledged: it is not lost),
//     a message without a type and, under [WithStrictCorrelationID], one
//     with a missing or invalid correlation id (then the context carries
//     none);
//  4. hands a message whose topic and type have no handler to the
//     unknown-type policy ([WithUnknownType]; default: acknowledge and skip);
//  5. decodes the payload with the handler's codec; a payload that does not
//     decode is refused with a *PayloadError wrapping [ErrMalformedPayload];
//  6. calls the handler and returns its result.
//
// A Router is safe for concurrent use.
type Router struct {
	opts    routerOptions
	handler MessageHandler // middleware around dispatch

	mu     sync.Mutex // serializes registrations
	routes atomic.Pointer[map[routeKey]route]
}

type routeKey struct{ topic, typ string }

type route func(ctx context.Context, m *Message) error

var _ MessageHandler = (*Router)(nil)
var _ TopicLister = (*Router)(nil)

// NewRouter returns a router without handlers.
func NewRouter(opts ...RouterOption) *Router {
	r := &Router{}
	for _, opt := range opts {
		if opt != nil {
			opt.applyRouter(&r.opts)
		}
	}
	if r.opts.logger == nil {
		r.opts.logger = slog.Default()
	}
	var h MessageHandler = MessageHandlerFunc(r.dispatch)
	for i := len(r.opts.middleware) - 1; i >= 0; i-- {
		if mw := r.opts.middleware[i]; mw != nil {
			h = mw(h)
		}
	}
	r.handler = h
	empty := map[routeKey]route{}
	r.routes.Store(&empty)
	return r
}

// Handle registers h for the events of type E on topic. The event type is
// E's zero value's EventType(), so it is inferred from the handler:
//
//	events.Handle(r, "orders", svc.onOrderPlaced) // func(ctx, events.Delivery[OrderPlaced]) error
//
// Handle panics, like net/http.ServeMux.Handle, on a setup error, with an
// error value: one wrapping [ErrInvalidMessage] for an invalid topic or an
// event type E cannot name (a pointer type, see [Event]), one wrapping
// [ErrInvalidOption] for a nil router or handler, a codec of another type
// or a second handler for the same topic and event type.
func Handle[E Event](r *Router, topic string, h Handler[E], opts ...HandleOption) {
	if r == nil || h == nil {
		panic(invalidOption("Handle: nil router or handler"))
	}
	if err := ValidateTopic(topic); err != nil {
		panic(err)
	}
	typ, err := eventTypeOf[E]()
	if err != nil {
		panic(err)
	}
	codec, err := handleCodec[E](opts)
	if err != nil {
		panic(err)
	}
	rt := func(ctx context.Context, m *Message) error {
		d, err := decode(codec, m)
		if err != nil {
			return err
		}
		return h(ctx, d)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.routes.Load()
	k := routeKey{topic, typ}
	if _, dup := old[k]; dup {
		panic(invalidOption(fmt.Sprintf("Handle: a handler for event type %q on topic %q is already registered", typ, topic)))
	}
	next := make(map[routeKey]route, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[k] = rt
	r.routes.Store(&next)
}

// Topics returns the topics that have at least one handler, sorted.
func (r *Router) Topics() []string {
	var topics []string
	for k := range *r.routes.Load() {
		topics = append(topics, k.topic)
	}
	slices.Sort(topics)
	return slices.Compact(topics)
}

// HandleMessage dispatches m; see [Router] for the steps. It implements
// [MessageHandler].
func (r *Router) HandleMessage(ctx context.Context, m *Message) error {
	if err := hexkit.ValidateCorrelationID(m.CorrelationID); err != nil {
		if r.opts.strict {
			// Refused in dispatch, inside the middleware, so that failure
			// handling there sees it.
			return r.handler.HandleMessage(ctx, m)
		}
		cp := *m
		cp.CorrelationID = hexkit.NewCorrelationID()
		ctx = hexkit.WithCorrelationID(ctx, cp.CorrelationID)
		r.opts.logger.WarnContext(ctx, "events: delivered message has a missing or invalid correlation id; handling it under a fresh one",
			"topic", m.Topic, "type", m.Type, "event_id", m.EventID, "received_correlation_id", m.CorrelationID)
		m = &cp
	} else {
		ctx = hexkit.WithCorrelationID(ctx, m.CorrelationID)
	}
	return r.handler.HandleMessage(ctx, m)
}

func (r *Router) dispatch(ctx context.Context, m *Message) error {
	if r.opts.strict {
		if hexkit.ValidateCorrelationID(m.CorrelationID) != nil {
			return &ValidationError{Field: HeaderCorrelationID, Value: m.CorrelationID, Reason: "missing or invalid on a delivered message and the router is strict"}
		}
	}
	if m.Type == "" {
		return &ValidationError{Field: "type", Value: "", Reason: "delivered message has no type header"}
	}
	if rt, ok := (*r.routes.Load())[routeKey{m.Topic, m.Type}]; ok {
		return rt(ctx, m)
	}
	if r.opts.unknown != nil {
		return r.opts.unknown(ctx, m)
	}
	r.opts.logger.DebugContext(ctx, "events: skipping event of a type without handler",
		"topic", m.Topic, "type", m.Type, "event_id", m.EventID)
	return nil
}
