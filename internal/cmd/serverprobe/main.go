// Command serverprobe waits until a server answers a real request, for
// scripts/servers. It exits 0 once the server is ready and 1 when the
// timeout passes first.
//
//	serverprobe [-timeout 60s] kafka BROKER[,BROKER...]   # a metadata request
//	serverprobe [-timeout 60s] mongo URI                  # a ping
//	serverprobe [-timeout 60s] s3 ENDPOINT ACCESS SECRET  # ListBuckets
//	serverprobe [-timeout 60s] kafka-scram PLAIN SASL USER CA_FILE # see newSCRAMProbe
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func main() {
	timeout := flag.Duration("timeout", 60*time.Second, "how long to wait for the server")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: serverprobe [-timeout d] kafka BROKERS | mongo URI | s3 ENDPOINT ACCESS SECRET")
	}
	flag.Parse()
	args := flag.Args()
	if len(args) < 2 {
		flag.Usage()
		os.Exit(2)
	}
	probe, err := newProbe(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serverprobe:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var last error
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 5*time.Second)
		last = probe(attempt)
		cancelAttempt()
		if last == nil {
			return
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(os.Stderr, "serverprobe: %s not ready after %s: %v\n", args[0], *timeout, last)
			os.Exit(1)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func newProbe(args []string) (func(context.Context) error, error) {
	switch args[0] {
	case "kafka":
		return func(ctx context.Context) error { return probeKafka(ctx, strings.Split(args[1], ",")) }, nil
	case "kafka-scram":
		return newSCRAMProbe(args)
	case "mongo":
		return func(ctx context.Context) error { return probeMongo(ctx, args[1]) }, nil
	case "s3":
		if len(args) != 4 {
			return nil, errors.New("s3 needs ENDPOINT ACCESS SECRET")
		}
		return func(ctx context.Context) error { return probeS3(ctx, args[1], args[2], args[3]) }, nil
	}
	return nil, fmt.Errorf("unknown server kind %q", args[0])
}

func probeKafka(ctx context.Context, brokers []string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return err
	}
	defer cl.Close()
	resp, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	if len(resp.Brokers) == 0 {
		return errors.New("metadata lists no broker")
	}
	return nil
}

func probeMongo(ctx context.Context, uri string) error {
	cl, err := mongodrv.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(2 * time.Second))
	if err != nil {
		return err
	}
	defer cl.Disconnect(context.Background())
	return cl.Ping(ctx, nil)
}

func probeS3(ctx context.Context, endpoint, access, secret string) error {
	cl, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Region: "us-east-1"})
	if err != nil {
		return err
	}
	_, err = cl.ListBuckets(ctx)
	return err
}
