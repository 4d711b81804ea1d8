package inbox_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/inbox"
	"github.com/hexkit-go/hexkit/kv/memkv"
)

// Deposited is the event of the examples.
type Deposited struct {
	Amount int `json:"amount"`
}

func (Deposited) EventType() string { return "deposited" }

// deposit is a message as a subscriber delivers it.
func deposit(eventID string, amount int) *events.Message {
	return &events.Message{
		Topic: "accounts", Key: "acc-1", Type: "deposited",
		EventID: eventID, CorrelationID: events.NewEventID(),
		Payload: fmt.Appendf(nil, `{"amount":%d}`, amount),
	}
}

// The inbox as router middleware: the second delivery of an event is
// skipped, a new event is handled.
func ExampleInbox_Middleware() {
	ctx := context.Background()
	db, _ := memkv.New()
	store, _ := memkv.NewStore[string](db, "inbox")
	in, err := inbox.New(store, "ledger")
	if err != nil {
		panic(err)
	}

	balance := 0
	r := events.NewRouter(events.WithMiddleware(in.Middleware()))
	events.Handle(r, "accounts", func(ctx context.Context, d events.Delivery[Deposited]) error {
		balance += d.Event.Amount
		return nil
	})

	first := deposit(events.NewEventID(), 10)
	for _, m := range []*events.Message{first, first, deposit(events.NewEventID(), 5)} {
		if err := r.HandleMessage(ctx, m); err != nil {
			panic(err)
		}
	}
	fmt.Println("balance:", balance)
	fmt.Printf("%+v\n", in.Stats())
	// Output:
	// balance: 15
	// {Handled:2 Duplicates:1 InProgress:0 Failed:0 Unrecorded:0 LostClaims:0}
}

// A handler error leaves no record: the redelivered event is handled again.
func ExampleInbox_Wrap() {
	ctx := context.Background()
	db, _ := memkv.New()
	store, _ := memkv.NewStore[string](db, "inbox")
	in, _ := inbox.New(store, "ledger")

	calls := 0
	h := in.Wrap(events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
		calls++
		if calls == 1 {
			return errors.New("database down")
		}
		return nil
	}))
	m := deposit(events.NewEventID(), 10)
	fmt.Println(h.HandleMessage(ctx, m)) // the subscriber redelivers it
	fmt.Println(h.HandleMessage(ctx, m))
	fmt.Println(h.HandleMessage(ctx, m)) // a duplicate: skipped
	fmt.Println("calls:", calls)
	// Output:
	// database down
	// <nil>
	// <nil>
	// calls: 2
}

// Account is the document of the Applier example. Its version field makes
// updates conditional; Applied holds the ids of the last events applied.
type Account struct {
	ID      string   `json:"id"`
	Balance int      `json:"balance"`
	Version int64    `json:"version"`
	Applied []string `json:"applied_events,omitempty"`
}

// The Applier: the deposit and the record of its event are one document
// write, so a redelivered event is never applied twice.
func ExampleApplier() {
	ctx := context.Background()
	accounts, err := memdao.New[Account, string](dao.WithVersionField(dao.MustField[Account, int64]("version")))
	if err != nil {
		panic(err)
	}
	ap, err := inbox.NewApplier(accounts,
		func(a *Account) *string { return &a.ID },
		func(a *Account) *[]string { return &a.Applied },
		inbox.WithKeep(100))
	if err != nil {
		panic(err)
	}
	deposit := func(eventID string, amount int) {
		applied, err := ap.Apply(ctx, eventID, "acc-1", func(a *Account, found bool) error {
			a.Balance += amount
			return nil
		})
		fmt.Println("applied:", applied, "error:", err)
	}
	first := events.NewEventID()
	deposit(first, 10)
	deposit(first, 10) // redelivered: skipped
	deposit(events.NewEventID(), 5)

	acc, _ := accounts.Get(ctx, "acc-1")
	fmt.Println("balance:", acc.Balance, "version:", acc.Version, "ids kept:", len(acc.Applied))
	// Output:
	// applied: true error: <nil>
	// applied: false error: <nil>
	// applied: true error: <nil>
	// balance: 15 version: 1 ids kept: 2
}

// An Applier over a DAO without a version field fails at the first update
// of a stored document, and from then on refuses every call.
func ExampleApplier_notVersioned() {
	ctx := context.Background()
	accounts, _ := memdao.New[Account, string]() // no dao.WithVersionField
	ap, _ := inbox.NewApplier(accounts,
		func(a *Account) *string { return &a.ID },
		func(a *Account) *[]string { return &a.Applied })
	add := func(a *Account, found bool) error { a.Balance++; return nil }

	_, err := ap.Apply(ctx, events.NewEventID(), "acc-1", add) // an insert
	fmt.Println(err)
	applied, err := ap.Apply(ctx, events.NewEventID(), "acc-1", add) // the first update
	fmt.Println(applied, errors.Is(err, inbox.ErrNotVersioned))
	_, err = ap.Apply(ctx, events.NewEventID(), "acc-1", add)
	fmt.Println(errors.Is(err, inbox.ErrNotVersioned))
	// Output:
	// <nil>
	// true true
	// true
}
