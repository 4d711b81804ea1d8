package s3_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/s3"
)

func ExampleOpen() {
	store, err := s3.Open(context.Background(), s3.Config{
		Endpoint:  "127.0.0.1:7070",
		Region:    "us-east-1",
		AccessKey: "service-a",
		SecretKey: "s3cr3t",
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

// A Config never shows its secrets, whether printed, logged or encoded.
func ExampleConfig() {
	cfg := s3.Config{Endpoint: "s3.example.org", AccessKey: "service-a", SecretKey: "s3cr3t", TLS: true}
	fmt.Printf("%+v\n", cfg)
	out, _ := json.Marshal(cfg)
	fmt.Println(string(out))
	// Output:
	// {Endpoint:s3.example.org Region: AccessKey:service-a SecretKey:[redacted] SessionToken: PathStyle:false TLS:true TLSConfig:<nil>}
	// {"Endpoint":"s3.example.org","Region":"","AccessKey":"service-a","SecretKey":"[redacted]","SessionToken":"","PathStyle":false,"TLS":true}
}
