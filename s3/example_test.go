package s3_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/s3"
)

func ExampleOpen() {
	store, err := s3.Open(s3.Config{
		Endpoint:  "127.0.0.1:7070",
		Region:    "us-east-1",
		AccessKey: "service-a",
		SecretKey: "s3cr3t",
		PathStyle: true,
	})
	if err != nil {
		panic(err)
	}
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

func ExampleConfig_String() {
	cfg := s3.Config{Endpoint: "s3.example.org", AccessKey: "service-a", SecretKey: "s3cr3t", TLS: true}
	fmt.Println(cfg)
	// Output:
	// s3.Config{Endpoint: "s3.example.org", Region: "us-east-1", AccessKey: "service-a", SecretKey: "REDACTED", PathStyle: false, TLS: true}
}
