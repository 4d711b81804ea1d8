package memobjstore_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/hexkit-go/hexkit/objstore/memobjstore"
)

// A local run opens the store, presigns an upload and a download, and
// moves the bytes with a plain HTTP client. A test calls
// memobjstore.NewTest(t) instead, which closes the store when the test
// ends.
func Example() {
	store, err := memobjstore.New()
	if err != nil {
		panic(err)
	}
	defer store.Close()
	ctx := context.Background()
	_ = store.CreateBucket(ctx, "uploads")

	up, _ := store.PresignPut(ctx, "uploads", "note.txt")
	req, _ := http.NewRequest(http.MethodPut, up, bytes.NewReader([]byte("written by a client")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("PUT", resp.StatusCode)

	down, _ := store.PresignGet(ctx, "uploads", "note.txt")
	resp, err = http.Get(down)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("GET", resp.StatusCode, string(body))

	resp, _ = http.Get(down + "0") // a tampered signature
	resp.Body.Close()
	fmt.Println("tampered GET", resp.StatusCode)
	// Output:
	// PUT 200
	// GET 200 written by a client
	// tampered GET 403
}
