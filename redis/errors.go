package redis

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/hexkit-go/hexkit/kv/driver"
)

var (
	// ErrInvalidConfig: a [Config] is invalid (no address, a negative
	// timeout, a database the server does not have), New was given a nil
	// client, or NewKV a nil Client or an invalid prefix or option (with
	// kv.ErrInvalidOption).
	ErrInvalidConfig = errors.New("redis: invalid config")
	// ErrUnauthorized: the server refused the credentials, or its ACL
	// denied a command. It comes with kv.ErrUnauthorized.
	ErrUnauthorized = errors.New("redis: unauthorized")
)

// mapError is the one place where go-redis errors become kv errors. The
// caller's context error passes through as it is; the go-redis error stays
// reachable with errors.As. A key under the prefix that holds another
// Redis type than a string is kv.ErrInvalidValue; an error without a kv
// meaning is kv.ErrUnavailable.
func mapError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	msg := err.Error()
	var nerr net.Error
	switch {
	case errors.Is(err, goredis.Nil):
		return fmt.Errorf("%w: %w", driver.ErrNotFound, err)
	case errors.Is(err, goredis.TxFailedErr):
		return fmt.Errorf("%w: %w", driver.ErrConflict, err)
	case strings.HasPrefix(msg, "WRONGPASS"), strings.HasPrefix(msg, "NOAUTH"), strings.HasPrefix(msg, "NOPERM"):
		return fmt.Errorf("%w: %w: %w", ErrUnauthorized, driver.ErrUnauthorized, err)
	case strings.Contains(msg, "DB index is out of range"), strings.Contains(msg, "invalid DB index"):
		return fmt.Errorf("%w: %w: %w", ErrInvalidConfig, driver.ErrInvalidOption, err)
	case strings.Contains(msg, "not an integer"), strings.Contains(msg, "overflow"), strings.HasPrefix(msg, "WRONGTYPE"):
		return fmt.Errorf("%w: %w", driver.ErrInvalidValue, err)
	case errors.Is(err, goredis.ErrClosed):
		return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
	case errors.As(err, &nerr), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		strings.HasPrefix(msg, "LOADING"), strings.HasPrefix(msg, "BUSY"), strings.HasPrefix(msg, "MASTERDOWN"),
		strings.Contains(msg, "connection refused"), strings.Contains(msg, "EOF"):
		return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
	}
	return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
}
