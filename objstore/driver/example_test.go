package driver_test

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
)

// MultipartETag computes the ETag S3 gives an object assembled from parts;
// a provider that assembles parts itself returns it from CompleteUpload, and
// the portable layer checks it against the bytes it sent.
func ExampleMultipartETag() {
	a, b := md5.Sum([]byte("hello, ")), md5.Sum([]byte("world"))
	fmt.Println(driver.MultipartETag([][]byte{a[:], b[:]}))
	// Output:
	// b6633538fad7ce9d4f91da4ad8fd45c3-2
}

// TrimETag removes the quotes an ETag carries in HTTP headers.
func ExampleTrimETag() {
	fmt.Println(driver.TrimETag(`"5d41402abc4b2a76b9719d911017c592"`))
	// Output:
	// 5d41402abc4b2a76b9719d911017c592
}

// statDriver is a toy provider that implements only Stat and Close;
// the embedded interface stands for the methods it leaves out.
type statDriver struct{ driver.Store }

func (statDriver) Stat(ctx context.Context, bucket, object string) (driver.ObjectInfo, error) {
	fmt.Printf("driver Stat(%s, %s)\n", bucket, object)
	if object != "report.pdf" {
		// A provider maps its backend's refusal to a sentinel.
		return driver.ObjectInfo{}, fmt.Errorf("%w: %s/%s", driver.ErrObjectNotFound, bucket, object)
	}
	return driver.ObjectInfo{Bucket: bucket, ID: object, Size: 42}, nil
}

func (statDriver) BucketExists(ctx context.Context, bucket string) (bool, error) {
	return true, nil
}

func (statDriver) Close() error { return nil }

// A provider implements driver.Store; the bridge objstore.New wraps it into
// the objstore.Store services use. Ids are checked in the portable layer, so
// an invalid bucket name never reaches the driver, and the driver's
// sentinels are those of package objstore.
func ExampleStore() {
	ctx := context.Background()
	store, err := objstore.New(statDriver{})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	info, err := store.Stat(ctx, "reports", "report.pdf")
	fmt.Println(info.Size, err)

	_, err = store.Stat(ctx, "reports", "missing.pdf")
	fmt.Println(errors.Is(err, objstore.ErrObjectNotFound))

	_, err = store.Stat(ctx, "Not A Bucket", "report.pdf")
	fmt.Println(errors.Is(err, objstore.ErrInvalidID))
	// Output:
	// driver Stat(reports, report.pdf)
	// 42 <nil>
	// driver Stat(reports, missing.pdf)
	// true
	// true
}
