// Command dlq works a hexkit dead letter queue on Kafka: it lists the
// next dead letters, replays one to its service's retry topic (optionally
// with a corrected payload) or discards it. It processes the DLQ as the
// consumer group given by -group, whose committed offsets remember where
// the operator stopped.
//
//	dlq [flags] preview [-n 10]                         # one JSON object per dead letter
//	dlq [flags] replay PARTITION OFFSET [-payload FILE] # to retry-<service>, then commit
//	dlq [flags] discard PARTITION OFFSET                # commit without replaying
//
// Flags: -brokers (default $HEXKIT_KAFKA_BROKERS), -topic (default dlq),
// -group (default dlq-tool), -ca FILE (TLS), -sasl-user USER (SCRAM-SHA-512;
// the password is read from $HEXKIT_DLQ_SASL_PASSWORD, never from a flag).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// envPassword names the variable that holds the SASL password.
const envPassword = "HEXKIT_DLQ_SASL_PASSWORD"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "dlq:", err)
		os.Exit(1)
	}
}

// run is the command without the process around it, for tests.
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("dlq", flag.ContinueOnError)
	brokers := fs.String("brokers", getenv("HEXKIT_KAFKA_BROKERS"), "seed brokers, comma separated")
	topic := fs.String("topic", events.DefaultDLQTopic, "dead letter queue topic")
	group := fs.String("group", "dlq-tool", "consumer group that records what was processed")
	ca := fs.String("ca", "", "PEM file of the CA that signed the brokers' certificates (enables TLS)")
	user := fs.String("sasl-user", "", "SCRAM-SHA-512 user; the password comes from $"+envPassword)
	timeout := fs.Duration("timeout", time.Minute, "bound for the whole command")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("want a command: preview, replay or discard")
	}
	cfg := kafka.Config{Brokers: splitList(*brokers), ServiceName: *group}
	if *ca != "" {
		cfg.TLSFiles = &kafka.TLSFiles{CAFile: *ca}
	}
	if *user != "" {
		pw := getenv(envPassword)
		if pw == "" {
			return fmt.Errorf("-sasl-user needs the password in $%s", envPassword)
		}
		cfg.SASL = &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: *user, Password: hexkit.NewSecret(pw)}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	client, err := kafka.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer client.Close(context.WithoutCancel(ctx))
	d, err := kafka.NewDLQ(client, *group, *topic)
	if err != nil {
		return err
	}

	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "preview":
		sub := flag.NewFlagSet("preview", flag.ContinueOnError)
		n := sub.Int("n", 10, "how many dead letters to show")
		if err := sub.Parse(rest); err != nil {
			return err
		}
		recs, err := d.Preview(ctx, *n)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(out)
		for _, r := range recs {
			if err := enc.Encode(view(r)); err != nil {
				return err
			}
		}
		return nil
	case "replay", "discard":
		sub := flag.NewFlagSet(cmd, flag.ContinueOnError)
		payloadFile := sub.String("payload", "", "file with the corrected payload (replay only)")
		if len(rest) < 2 {
			return fmt.Errorf("%s needs PARTITION OFFSET", cmd)
		}
		part, err1 := strconv.ParseInt(rest[0], 10, 32)
		off, err2 := strconv.ParseInt(rest[1], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("%s PARTITION OFFSET: %w", cmd, err)
		}
		if err := sub.Parse(rest[2:]); err != nil {
			return err
		}
		rec, err := find(ctx, d, int32(part), off)
		if err != nil {
			return err
		}
		if cmd == "discard" {
			if err := d.Discard(ctx, rec); err != nil {
				return err
			}
			fmt.Fprintf(out, "discarded %d/%d (event %s)\n", part, off, rec.OriginalEventID)
			return nil
		}
		var payload []byte
		if *payloadFile != "" {
			if payload, err = os.ReadFile(*payloadFile); err != nil {
				return err
			}
		}
		if err := d.Replay(ctx, rec, payload); err != nil {
			return err
		}
		fmt.Fprintf(out, "replayed %d/%d (event %s) to %s\n", part, off, rec.OriginalEventID, events.RetryTopic(rec.Service))
		return nil
	}
	return fmt.Errorf("unknown command %q: want preview, replay or discard", cmd)
}

// find returns the dead letter at partition/offset, which must be the
// next one of its partition.
func find(ctx context.Context, d *kafka.DLQ, part int32, off int64) (kafka.DeadLetterRecord, error) {
	recs, err := d.Preview(ctx, 1<<20)
	if err != nil {
		return kafka.DeadLetterRecord{}, err
	}
	for _, r := range recs {
		if r.Partition == part {
			if r.Offset != off {
				return r, fmt.Errorf("%w: the next dead letter of partition %d is at offset %d, not %d", kafka.ErrNotNext, part, r.Offset, off)
			}
			return r, nil
		}
	}
	return kafka.DeadLetterRecord{}, fmt.Errorf("no unprocessed dead letter in partition %d", part)
}

// deadLetterView is what preview prints for one dead letter.
type deadLetterView struct {
	Partition       int32             `json:"partition"`
	Offset          int64             `json:"offset"`
	Timestamp       time.Time         `json:"timestamp"`
	Type            string            `json:"type"`
	Key             string            `json:"key"`
	EventID         string            `json:"event_id"`
	CorrelationID   string            `json:"correlation_id"`
	OriginalTopic   string            `json:"original_topic"`
	OriginalEventID string            `json:"original_event_id"`
	Service         string            `json:"service"`
	ExcClass        string            `json:"exc_class"`
	ExcMsg          string            `json:"exc_msg"`
	Headers         map[string]string `json:"headers,omitempty"`
	Payload         json.RawMessage   `json:"payload,omitempty"`
	PayloadText     string            `json:"payload_text,omitempty"` // when the payload is not JSON
	Error           string            `json:"error,omitempty"`        // when the record is no valid dead letter
}

func view(r kafka.DeadLetterRecord) deadLetterView {
	v := deadLetterView{
		Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp, Type: r.Type, Key: r.Key,
		EventID: r.EventID, CorrelationID: r.CorrelationID, OriginalTopic: r.OriginalTopic,
		OriginalEventID: r.OriginalEventID, Service: r.Service, ExcClass: r.ExcClass, ExcMsg: r.ExcMsg,
		Headers: r.UserHeaders,
	}
	if json.Valid(r.Payload) {
		v.Payload = json.RawMessage(r.Payload)
	} else {
		v.PayloadText = string(r.Payload)
	}
	if r.ParseErr != nil {
		v.Error = r.ParseErr.Error()
	}
	return v
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
