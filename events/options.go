package events

import (
	"context"
	"fmt"
	"log/slog"
)

// PublisherOption configures [NewPublisher].
type PublisherOption interface {
	applyPublisher(*publisherOptions)
}

// RouterOption configures [NewRouter].
type RouterOption interface {
	applyRouter(*routerOptions)
}

// HandleOption configures one registration with [Handle].
type HandleOption interface {
	applyHandle(*handleOptions)
}

type publisherOptions struct {
	codec  any
	strict bool
}

type routerOptions struct {
	logger     *slog.Logger
	unknown    func(context.Context, *Message) error
	middleware []Middleware
	strict     bool
}

type handleOptions struct {
	codec any
}

// CodecOption is returned by [WithCodec]; it configures a publisher or a
// handler registration.
type CodecOption struct {
	codec any
}

func (o CodecOption) applyPublisher(p *publisherOptions) { p.codec = o.codec }
func (o CodecOption) applyHandle(h *handleOptions)       { h.codec = o.codec }

// WithCodec sets the codec of a publisher ([NewPublisher]) or of one
// handler ([Handle]). The default is [JSONCodec]. The codec's type parameter
// must be the publisher's or handler's event type: NewPublisher returns an
// error and Handle panics otherwise.
func WithCodec[E any](c Codec[E]) CodecOption { return CodecOption{codec: c} }

// StrictCorrelationOption is returned by [WithStrictCorrelationID].
type StrictCorrelationOption struct{}

func (StrictCorrelationOption) applyPublisher(p *publisherOptions) { p.strict = true }
func (StrictCorrelationOption) applyRouter(r *routerOptions)       { r.strict = true }

// WithStrictCorrelationID makes correlation ids mandatory. On a publisher,
// publishing with a context that carries no correlation id fails with a
// *ValidationError (field "correlation_id") instead of generating a fresh
// id. On a router, a delivered message with a missing or invalid correlation
// id is refused with a *ValidationError (the message is not acknowledged)
// instead of being handled under a fresh id. Default: not strict.
func WithStrictCorrelationID() StrictCorrelationOption { return StrictCorrelationOption{} }

type routerOptionFunc func(*routerOptions)

func (f routerOptionFunc) applyRouter(r *routerOptions) { f(r) }

// LoggerOption is returned by [WithLogger]; it configures a router or a
// subscriber.
type LoggerOption struct {
	logger *slog.Logger
}

func (o LoggerOption) applyRouter(r *routerOptions)         { r.logger = o.logger }
func (o LoggerOption) applySubscriber(s *subscriberOptions) { s.logger = o.logger }

// WithLogger sets the logger of a router ([NewRouter]) or a subscriber. A
// router logs debug records about skipped messages and warnings about
// replaced correlation ids, a subscriber a warning per failed handling
// attempt and errors of its transport. Records are logged with the
// message's context, so a [github.com/hexkit-go/hexkit.NewLogHandler]
// handler stamps them with the correlation id. Default (also for nil):
// slog.Default() at the time the router or subscriber is built.
func WithLogger(l *slog.Logger) LoggerOption { return LoggerOption{logger: l} }

// WithUnknownType sets the router's policy for messages it has no handler
// for: an event type not registered for the message's topic, or a topic with
// no handler at all. The hook's result is the router's result: nil
// acknowledges the message, an error leaves it unacknowledged. Default:
// acknowledge and skip, with a debug log record.
func WithUnknownType(hook func(ctx context.Context, m *Message) error) RouterOption {
	return routerOptionFunc(func(r *routerOptions) { r.unknown = hook })
}

// WithMiddleware wraps the router's dispatch in mw, the first one
// outermost. Middleware sees every message after the router put its
// correlation id into the context and before it is checked, decoded and
// dispatched, and it sees the dispatch's result: it is where cross-cutting
// concerns such as logging, metrics or tracing plug in. Retries and dead
// letters are not middleware: a [FailureHandler] wraps the whole router
// from outside, so the middleware runs once per attempt. Default: none.
func WithMiddleware(mw ...Middleware) RouterOption {
	return routerOptionFunc(func(r *routerOptions) { r.middleware = append(r.middleware, mw...) })
}

// codecFor returns the codec configured in c (nil means the default JSON
// codec) as a Codec[E], or an error when it is a codec of another type.
func codecFor[E any](c any) (Codec[E], error) {
	if c == nil {
		return JSONCodec[E](), nil
	}
	codec, ok := c.(Codec[E])
	if !ok {
		var zero E
		return nil, invalidOption(fmt.Sprintf("codec %T does not implement Codec[%T]", c, zero))
	}
	return codec, nil
}

// handleCodec returns the codec that the handle options select.
func handleCodec[E any](opts []HandleOption) (Codec[E], error) {
	var o handleOptions
	for _, opt := range opts {
		if opt != nil {
			opt.applyHandle(&o)
		}
	}
	return codecFor[E](o.codec)
}
