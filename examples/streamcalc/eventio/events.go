// Package eventio holds streamcalc's translators between its domain core
// (package calc) and hexkit's events protocol: the inbound translator turns
// problem events into calls on the calculator, the outbound translator
// turns the calculator's reports into result events. The event types below
// are the service's wire contract, shared with other services (Python hexkit
// services included).
package eventio

// MultiplicationProblem asks for multiplier × multiplicand.
type MultiplicationProblem struct {
	ProblemID    string  `json:"problem_id"`
	Multiplier   float64 `json:"multiplier"`
	Multiplicand float64 `json:"multiplicand"`
}

// EventType names the event on the wire.
func (MultiplicationProblem) EventType() string { return "multiplication_problem" }

// DivisionProblem asks for dividend ÷ divisor.
type DivisionProblem struct {
	ProblemID string  `json:"problem_id"`
	Dividend  float64 `json:"dividend"`
	Divisor   float64 `json:"divisor"`
}

// EventType names the event on the wire.
func (DivisionProblem) EventType() string { return "division_problem" }

// CalcSuccess carries the result of a solved problem.
type CalcSuccess struct {
	ProblemID string  `json:"problem_id"`
	Result    float64 `json:"result"`
}

// EventType names the event on the wire.
func (CalcSuccess) EventType() string { return "calc_success" }

// CalcFailure says why a problem could not be solved.
type CalcFailure struct {
	ProblemID string `json:"problem_id"`
	Reason    string `json:"reason"`
}

// EventType names the event on the wire.
func (CalcFailure) EventType() string { return "calc_failure" }

// Default topics of the service.
const (
	ProblemsTopic = "arithmetic_problems"
	OutputTopic   = "calc_output"
)
