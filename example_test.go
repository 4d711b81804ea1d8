package hexkit_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hexkit-go/hexkit"
)

func ExampleWithCorrelationID() {
	ctx := hexkit.WithCorrelationID(context.Background(), "0b4c2a6e-3f1d-4e8a-9b7c-5d2e1f0a3b4c")
	id, ok := hexkit.CorrelationID(ctx)
	fmt.Println(id, ok)
	fmt.Println(hexkit.ValidateCorrelationID(id) == nil)
	// Output:
	// 0b4c2a6e-3f1d-4e8a-9b7c-5d2e1f0a3b4c true
	// true
}

func ExampleNewLogHandler() {
	// Drop the time so the output is stable.
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}}
	logger := slog.New(hexkit.NewLogHandler(slog.NewTextHandler(os.Stdout, opts), "calc", "calc-1"))
	ctx := hexkit.WithCorrelationID(context.Background(), "0b4c2a6e-3f1d-4e8a-9b7c-5d2e1f0a3b4c")
	logger.InfoContext(ctx, "problem solved", "problem_id", "p1")
	// Output:
	// level=INFO msg="problem solved" service=calc instance=calc-1 problem_id=p1 correlation_id=0b4c2a6e-3f1d-4e8a-9b7c-5d2e1f0a3b4c
}
