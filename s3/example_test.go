package s3_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hexkit-go/hexkit"
	"net/url"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/s3"
)

func ExampleOpen() {
	store, err := s3.Open(context.Background(), s3.Config{
		Endpoint:  "127.0.0.1:7070",
		Region:    "us-east-1",
		AccessKey: "service-a",
		SecretKey: hexkit.NewSecret("s3cr3t"),
		PathStyle: true,
	})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	// Presigning is local: no request reaches the server.
	raw, err := store.PresignGet(context.Background(), "reports", "q3.pdf")
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(raw)
	fmt.Println(u.Host, u.Path, u.Query().Get("X-Amz-Algorithm"))

	var client *minio.Client
	fmt.Println(store.As(&client), client.EndpointURL().Host)
	// Output:
	// 127.0.0.1:7070 /reports/q3.pdf AWS4-HMAC-SHA256
	// true 127.0.0.1:7070
}

// A service that already has a minio-go client wraps it; the store leaves
// the client open when it is closed.
func ExampleNew() {
	client, err := minio.New("127.0.0.1:7070", &minio.Options{
		Creds:        credentials.NewStaticV4("service-a", "s3cr3t", ""),
		Region:       "us-east-1",
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		panic(err)
	}
	store, err := s3.New(client, objstore.WithPartSize(64<<20))
	if err != nil {
		panic(err)
	}
	defer store.Close()
	var got *minio.Client
	fmt.Println(store.As(&got), got == client)

	_, err = s3.New(client, objstore.WithPartSize(1))
	fmt.Println(errors.Is(err, s3.ErrInvalidConfig), errors.Is(err, objstore.ErrInvalidOption))
	// Output:
	// true true
	// true true
}

// A Config never shows its secrets, whether printed, logged or encoded.
func ExampleConfig() {
	cfg := s3.Config{Endpoint: "s3.example.org", AccessKey: "service-a", SecretKey: hexkit.NewSecret("s3cr3t"), TLS: true}
	fmt.Printf("%+v\n", cfg)
	out, _ := json.Marshal(cfg)
	fmt.Println(string(out))
	// Output:
	// {Endpoint:s3.example.org Region: AccessKey:service-a SecretKey:[redacted] SessionToken: PathStyle:false TLS:true TLSConfig:<nil>}
	// {"Endpoint":"s3.example.org","Region":"","AccessKey":"service-a","SecretKey":"[redacted]","SessionToken":"","PathStyle":false,"TLS":true}
}
