package translators_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
)

// TestConfirmedFileIsImmutableOnFakes: see checkConfirmedFileIsImmutable.
func TestConfirmedFileIsImmutableOnFakes(t *testing.T) {
	store := memobjstore.NewTest(t)
	if err := store.CreateBucket(context.Background(), "files"); err != nil {
		t.Fatal(err)
	}
	checkConfirmedFileIsImmutable(t, store, "files")
}

// checkConfirmedFileIsImmutable uploads and confirms a 5-byte file, then
// uses the upload it was given again: once with other bytes of the same
// size, once with 150 MiB, past the registry's 100 MiB limit. Downloads
// must still serve the confirmed bytes under the recorded ETag, and no
// object in the bucket may ever hold more bytes than were declared.
func checkConfirmedFileIsImmutable(t *testing.T, store objstore.Store, bucket string) {
	fx := newFakesOn(t, store, bucket)
	ctx := context.Background()
	up, err := fx.reg.RequestUpload(ctx, "a.txt", 5)
	if err != nil {
		t.Fatal(err)
	}
	if status, err := upload(up, strings.NewReader("hello"), 5); err != nil || status/100 != 2 {
		t.Fatalf("upload = %d, %v; want success", status, err)
	}
	f, err := fx.reg.ConfirmUpload(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}

	// The same upload again with other bytes: whatever the storage
	// answers, the confirmed file must not change.
	_, _ = upload(up, strings.NewReader("HELLO"), 5)
	checkDownload(t, fx.reg, f, "hello")

	// 150 MiB through the same upload: refused before it is stored.
	const huge = 150 << 20
	status, err := upload(up, io.LimitReader(zeros{}, huge), huge)
	t.Logf("upload of %d bytes after the confirmation: status %d, error %v", huge, status, err)
	if err == nil && status/100 == 2 {
		t.Errorf("an upload of %d bytes after confirmation answered %d, want it refused", huge, status)
	}
	checkDownload(t, fx.reg, f, "hello")
	for id, err := range store.List(ctx, bucket, "") {
		if err != nil {
			t.Fatal(err)
		}
		info, err := store.Stat(ctx, bucket, id)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size > 5 {
			t.Errorf("object %s holds %d bytes; the only file declared 5", id, info.Size)
		}
	}
}

// checkDownload downloads f through the registry and checks its bytes and
// the ETag the storage serves them with against the record's.
func checkDownload(t *testing.T, reg *registry.Registry, f registry.File, want string) {
	t.Helper()
	url, err := reg.DownloadURL(context.Background(), f.ID)
	if err != nil {
		t.Fatal(err)
	}
	status, etag, got := httpGet(t, url)
	if status != http.StatusOK || got != want || etag != f.ETag {
		if len(got) > 64 {
			got = got[:64] + "..."
		}
		t.Errorf("download = %d %q etag %s; want 200 %q etag %s (the confirmed file)", status, got, etag, want, f.ETag)
	}
}

// upload sends size bytes of body with the upload form a client was given,
// streaming them with a known length (S3 servers refuse a chunked form),
// and returns the status, or the error when the connection broke (a server
// may answer and close before the body is sent).
func upload(up registry.Upload, body io.Reader, size int64) (int, error) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for _, k := range slices.Sorted(maps.Keys(up.Fields)) {
		if err := mw.WriteField(k, up.Fields[k]); err != nil {
			return 0, err
		}
	}
	if _, err := mw.CreateFormFile("file", "upload"); err != nil {
		return 0, err
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	all := io.MultiReader(&head, io.LimitReader(body, size), strings.NewReader(tail))
	req, err := http.NewRequest(http.MethodPost, up.URL, all)
	if err != nil {
		return 0, err
	}
	req.ContentLength = int64(head.Len()) + size + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// swappingStore is a store whose first Copy replaces its source with other
// bytes of the same size just before copying, as a client uploading again
// while the confirmation runs would.
type swappingStore struct {
	objstore.Store
	swapped bool
}

func (s *swappingStore) Copy(ctx context.Context, sb, so, db, do string, opts ...objstore.CopyOption) error {
	if !s.swapped {
		s.swapped = true
		if _, err := s.Store.Put(ctx, sb, so, strings.NewReader("HELLO"), 5); err != nil {
			return err
		}
	}
	return s.Store.Copy(ctx, sb, so, db, do, opts...)
}

// TestCommitRefusesAnUploadChangedDuringTheCopy checks that Commit never
// keeps bytes other than those it checked: the copy is deleted and the
// error is ErrUploadChanged; confirming again commits what is staged then.
func TestCommitRefusesAnUploadChangedDuringTheCopy(t *testing.T) {
	mem := memobjstore.NewTest(t)
	ctx := context.Background()
	if err := mem.CreateBucket(ctx, "files"); err != nil {
		t.Fatal(err)
	}
	fx := newFakesOn(t, &swappingStore{Store: mem}, "files")
	up, err := fx.reg.RequestUpload(ctx, "a.txt", 5)
	if err != nil {
		t.Fatal(err)
	}
	uploadOK(t, up, "hello")
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrUploadChanged) {
		t.Fatalf("ConfirmUpload with the upload replaced during the copy = %v, want ErrUploadChanged", err)
	}
	for id, err := range mem.List(ctx, "files", "file.") {
		t.Errorf("committed object %s (%v) left after a refused commit", id, err)
	}
	f, err := fx.reg.ConfirmUpload(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	checkDownload(t, fx.reg, f, "HELLO")
}
