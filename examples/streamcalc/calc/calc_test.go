package calc_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit/examples/streamcalc/calc"
)

type outcome struct {
	ProblemID string
	Result    float64
	Reason    string
}

type recorder struct {
	got []outcome
	err error
}

func (r *recorder) ReportSuccess(_ context.Context, id string, result float64) error {
	r.got = append(r.got, outcome{ProblemID: id, Result: result})
	return r.err
}

func (r *recorder) ReportFailure(_ context.Context, id, reason string) error {
	r.got = append(r.got, outcome{ProblemID: id, Reason: reason})
	return r.err
}

func TestCalculator(t *testing.T) {
	tests := []struct {
		name string
		run  func(c *calc.Calculator) error
		want outcome
	}{
		{"multiply", func(c *calc.Calculator) error { return c.Multiply(context.Background(), "p1", 2.5, 10) },
			outcome{ProblemID: "p1", Result: 25}},
		{"divide", func(c *calc.Calculator) error { return c.Divide(context.Background(), "p2", 25, 10) },
			outcome{ProblemID: "p2", Result: 2.5}},
		{"negative", func(c *calc.Calculator) error { return c.Multiply(context.Background(), "p3", -3, 4) },
			outcome{ProblemID: "p3", Result: -12}},
		{"division by zero", func(c *calc.Calculator) error { return c.Divide(context.Background(), "p4", 1, 0) },
			outcome{ProblemID: "p4", Reason: calc.ReasonDivisionByZero}},
		{"zero by zero", func(c *calc.Calculator) error { return c.Divide(context.Background(), "p5", 0, 0) },
			outcome{ProblemID: "p5", Reason: calc.ReasonDivisionByZero}},
		{"overflow", func(c *calc.Calculator) error {
			return c.Multiply(context.Background(), "p6", math.MaxFloat64, 10)
		}, outcome{ProblemID: "p6", Reason: calc.ReasonNotFinite}},
		{"NaN operand", func(c *calc.Calculator) error { return c.Divide(context.Background(), "p7", math.NaN(), 1) },
			outcome{ProblemID: "p7", Reason: calc.ReasonInvalidInput}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			if err := tt.run(calc.New(r)); err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if diff := cmp.Diff([]outcome{tt.want}, r.got); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCalculatorErrors(t *testing.T) {
	r := &recorder{}
	if err := calc.New(r).Multiply(context.Background(), "", 1, 2); !errors.Is(err, calc.ErrNoProblemID) {
		t.Errorf("Multiply without id = %v, want ErrNoProblemID", err)
	}
	if len(r.got) != 0 {
		t.Errorf("reported %v for a problem without id", r.got)
	}
	boom := errors.New("broker down")
	r = &recorder{err: boom}
	if err := calc.New(r).Divide(context.Background(), "p", 1, 2); !errors.Is(err, boom) {
		t.Errorf("Divide with a failing reporter = %v, want it to wrap %v", err, boom)
	}
}
