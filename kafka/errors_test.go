package kafka

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

func TestMapError(t *testing.T) {
	tests := []struct {
		in   error
		want error
	}{
		{kerr.UnknownTopicOrPartition, events.ErrTopicNotFound},
		{kerr.UnknownTopicID, events.ErrTopicNotFound},
		{kerr.TopicAlreadyExists, events.ErrTopicExists},
		{kerr.MessageTooLarge, events.ErrMessageTooLarge},
		{kerr.SaslAuthenticationFailed, events.ErrUnauthorized},
		{kerr.TopicAuthorizationFailed, events.ErrUnauthorized},
		{kerr.GroupAuthorizationFailed, events.ErrUnauthorized},
		{kgo.ErrClientClosed, events.ErrClosed},
		{fmt.Errorf("produce: %w", kerr.UnknownTopicOrPartition), events.ErrTopicNotFound},
	}
	for _, tt := range tests {
		got := mapError(tt.in)
		if !errors.Is(got, tt.want) {
			t.Errorf("mapError(%v) = %v, want it to wrap %v", tt.in, got, tt.want)
		}
		var ke *kerr.Error
		if errors.As(tt.in, &ke) {
			var gotKE *kerr.Error
			if !errors.As(got, &gotKE) || gotKE != ke {
				t.Errorf("mapError(%v): errors.As no longer reaches the *kerr.Error", tt.in)
			}
		}
	}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if got := mapError(fmt.Errorf("wrapped: %w", ctxErr)); got != ctxErr {
			t.Errorf("mapError(wrapped %v) = %v, want the context error unwrapped", ctxErr, got)
		}
	}
	if mapError(nil) != nil {
		t.Error("mapError(nil) != nil")
	}
	other := errors.New("boom")
	if got := mapError(other); !errors.Is(got, other) {
		t.Errorf("mapError(other) = %v, does not wrap it", got)
	}
}
