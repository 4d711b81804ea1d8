package events

import (
	"errors"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := backoff{initial: 100 * time.Millisecond, max: time.Second}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 50: time.Second} {
		if got := b.delay(n); got != want {
			t.Errorf("delay(%d) = %v, want %v", n, got, want)
		}
	}
	b.jitter = 0.5
	seen := map[time.Duration]bool{}
	for range 200 {
		d := b.delay(2)
		if d < 100*time.Millisecond || d >= 300*time.Millisecond {
			t.Fatalf("delay(2) with jitter 0.5 = %v, want in [100ms, 300ms)", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("jitter produced only %d distinct delays in 200 draws", len(seen))
	}
}

func TestASCIIEscape(t *testing.T) {
	for in, want := range map[string]string{"": "", "plain key": "plain key", "k\u00e9y": `k\u00e9y`, "a\nb": `a\nb`, `q"uote`: `q"uote`} {
		if got := asciiEscape(in); got != want {
			t.Errorf("asciiEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

type customErr struct{}

func (customErr) Error() string { return "custom" }

func TestExcClass(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{errors.New("x"), "*errors.errorString"},
		{customErr{}, "events.customErr"},
		{&FailedError{Err: &PanicError{Value: "p"}}, "*events.PanicError"},
		{&ValidationError{Field: "key"}, "*events.ValidationError"},
	} {
		if got := excClass(c.err); got != c.want {
			t.Errorf("excClass(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestDeadLetterMessageIsValid(t *testing.T) {
	// Whatever the failed message looked like, its dead letter passes the
	// wire format, so the DLQ publish cannot be refused.
	bad := &Message{Topic: "t\u00e9", Key: "\u00e9", Type: "", EventID: "x", CorrelationID: "",
		Headers: map[string]string{"h\u00e9": "v\n", HeaderType: "shadow"}, Payload: []byte("not json")}
	dl := deadLetterMessage("dlq", "svc", bad, errors.New("broken \u00e9"))
	if err := dl.Validate(); err != nil {
		t.Fatalf("dead letter of a broken message is invalid: %v", err)
	}
	if dl.Type != UnknownType || dl.Key != `\u00e9` || dl.Headers[`h\u00e9`] != `v\n` || dl.Headers[HeaderOriginalTopic] != `t\u00e9` {
		t.Errorf("dead letter = %+v", dl)
	}
	if _, ok := dl.Headers[HeaderType]; ok {
		t.Error("a reserved name among the user headers survived")
	}
}

func TestExcMsgBounded(t *testing.T) {
	long := make([]byte, 10_000)
	for i := range long {
		long[i] = 'x'
	}
	dl := deadLetterMessage("dlq", "svc", &Message{Topic: "t", Type: "x"}, errors.New(string(long)))
	if got := dl.Headers[HeaderExcMsg]; len(got) != maxExcMsg || got != string(long[:maxExcMsg-3])+"..." {
		t.Errorf("exc_msg has %d bytes ending in %q, want the first %d bytes and \"...\"", len(got), got[max(0, len(got)-5):], maxExcMsg-3)
	}
	if got, want := excMsg(errors.New("short \u00e9")), `short \u00e9`; got != want {
		t.Errorf("excMsg(short) = %q, want the escaped message unchanged, %q", got, want)
	}
}

func TestCheckDeliveredIgnoresCorrelationID(t *testing.T) {
	valid := Message{Topic: "t", Type: "x", EventID: NewEventID(), CorrelationID: NewEventID()}
	for _, corr := range []string{"", "not-a-uuid"} {
		m := valid
		m.CorrelationID = corr
		if err := checkDelivered(&m); err != nil {
			t.Errorf("checkDelivered(correlation id %q) = %v, want nil: the router checks correlation ids", corr, err)
		}
	}
	m := valid
	m.EventID = "not-a-uuid"
	var ve *ValidationError
	if err := checkDelivered(&m); !errors.As(err, &ve) || ve.Field != HeaderEventID {
		t.Errorf("checkDelivered(invalid event id) = %v, want a *ValidationError on event_id", err)
	}
}
