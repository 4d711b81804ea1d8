package runner_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/runner"
)

func Example() {
	r, err := runner.New() // stops on SIGINT and SIGTERM too
	if err != nil {
		panic(err)
	}
	_ = r.Add("worker", runner.Func(func(ctx context.Context) error {
		<-ctx.Done() // works until the stop, then drains
		fmt.Println("worker drained")
		return nil
	}))
	_ = r.Add("importer", runner.Func(func(ctx context.Context) error {
		return errors.New("source unreachable") // the first failure stops the rest
	}))
	err = r.Run(context.Background())
	fmt.Println(err) // a service prints it and exits 1
	// Output:
	// worker drained
	// runner: importer: source unreachable
}
