package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
)

// newStore returns an in-memory store, its presigned URLs served on a
// loopback port; a test would call memobjstore.NewTest(t) instead.
func newStore() objstore.Store {
	store, err := memobjstore.New()
	if err != nil {
		panic(err)
	}
	return store
}

func Example() {
	ctx := context.Background()
	store := newStore()
	defer store.Close()

	if err := store.CreateBucket(ctx, "reports"); err != nil {
		panic(err)
	}
	data := "quarterly numbers"
	info, err := store.Put(ctx, "reports", "q3.txt", strings.NewReader(data), int64(len(data)),
		objstore.WithContentType("text/plain"), objstore.WithMetadata(map[string]string{"Author": "ada"}))
	if err != nil {
		panic(err)
	}
	fmt.Println("stored", info.Size, "bytes, ETag", info.ETag)

	r, err := store.Get(ctx, "reports", "q3.txt")
	if err != nil {
		panic(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		panic(err)
	}
	fmt.Printf("read %q, verified %v, author %s\n", got, r.Verified(), r.Info().Metadata["author"])

	_, err = store.Stat(ctx, "reports", "q4.txt")
	fmt.Println(errors.Is(err, objstore.ErrObjectNotFound))
	// Output:
	// stored 17 bytes, ETag 3727e672ef6d8f1491e8b5152636ba91
	// read "quarterly numbers", verified true, author ada
	// true
}

// A service hands out a presigned URL; the client downloads with plain HTTP.
func ExampleStore_PresignGet() {
	ctx := context.Background()
	store := newStore()
	defer store.Close()
	_ = store.CreateBucket(ctx, "outbox")
	_, _ = store.Put(ctx, "outbox", "hello.txt", strings.NewReader("hello"), 5)

	url, err := store.PresignGet(ctx, "outbox", "hello.txt")
	if err != nil {
		panic(err)
	}
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 hello
}

// A client uploads a large file in parts through presigned URLs; the
// service checks the parts when it completes the upload.
func ExampleStore_CompleteUpload() {
	ctx := context.Background()
	store := newStore()
	defer store.Close()
	_ = store.CreateBucket(ctx, "inbox")

	const partSize = objstore.MinPartSize
	file := bytes.Repeat([]byte("ACGT"), (2*partSize+1000)/4) // two full parts and a short one
	id, err := store.InitUpload(ctx, "inbox", "genome.fastq")
	if err != nil {
		panic(err)
	}
	for n := 1; (n-1)*partSize < len(file); n++ {
		part := file[(n-1)*partSize : min(n*partSize, len(file))]
		url, err := store.PresignPart(ctx, "inbox", "genome.fastq", id, n)
		if err != nil {
			panic(err)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(part))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	err = store.CompleteUpload(ctx, "inbox", "genome.fastq", id,
		objstore.WithPartCount(3), objstore.WithAnticipatedPartSize(partSize))
	fmt.Println("complete:", err)
	info, _ := store.Stat(ctx, "inbox", "genome.fastq")
	fmt.Println(info.Size, strings.HasSuffix(info.ETag, "-3"))
	// Output:
	// complete: <nil>
	// 10486760 true
}

// A browser form uploads at most maxSize bytes.
func ExampleStore_PresignPost() {
	ctx := context.Background()
	store := newStore()
	defer store.Close()
	_ = store.CreateBucket(ctx, "avatars")

	post, err := store.PresignPost(ctx, "avatars", "user-42.png", 1<<20)
	if err != nil {
		panic(err)
	}
	// An HTML form would post post.Fields and then the file field to post.URL.
	fmt.Println(strings.HasSuffix(post.URL, "/avatars"), post.Fields["key"])
	// Output: true user-42.png
}

func ExampleStore_List() {
	ctx := context.Background()
	store := newStore()
	defer store.Close()
	_ = store.CreateBucket(ctx, "logs")
	for _, id := range []string{"2026-11-02.log", "2026-10-31.log", "2026-11-01.log"} {
		_, _ = store.Put(ctx, "logs", id, strings.NewReader(id), int64(len(id)))
	}
	for id, err := range store.List(ctx, "logs", "2026-11") {
		if err != nil {
			panic(err)
		}
		fmt.Println(id)
	}
	// Output:
	// 2026-11-01.log
	// 2026-11-02.log
}

func ExampleWithIDRules() {
	store, err := memobjstore.New(memobjstore.WithStoreOptions(objstore.WithIDRules(objstore.IDRules{
		Object: func(id string) error {
			if !strings.HasPrefix(id, "tenant-") {
				return errors.New("object ids start with tenant-")
			}
			return nil
		},
	})))
	if err != nil {
		panic(err)
	}
	defer store.Close()
	fmt.Println(store.ValidateObjectID("files", "tenant-1.txt"))
	fmt.Println(errors.Is(store.ValidateObjectID("files", "other.txt"), objstore.ErrInvalidID))
	// Output:
	// <nil>
	// true
}

// Every store refuses, before any request, metadata that S3 servers refuse
// or would store changed, so a test on the in-memory store catches it.
func ExampleWithMetadata() {
	ctx := context.Background()
	store := newStore()
	defer store.Close()
	_ = store.CreateBucket(ctx, "docs")

	_, err := store.Put(ctx, "docs", "a.txt", strings.NewReader("a"), 1,
		objstore.WithMetadata(map[string]string{"Title": "Grüße"}))
	fmt.Println(err)
	info, _ := store.Stat(ctx, "docs", "a.txt")
	fmt.Println(info.Metadata)

	for _, m := range []map[string]string{{"title": "trailing space "}, {"title": "tab\there"}, {"my key": "v"}} {
		_, err = store.Put(ctx, "docs", "b.txt", strings.NewReader("b"), 1, objstore.WithMetadata(m))
		fmt.Println(errors.Is(err, objstore.ErrInvalidArgument))
	}
	// Output:
	// <nil>
	// map[title:Grüße]
	// true
	// true
	// true
}
