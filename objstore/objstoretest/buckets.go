package objstoretest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
)

func testBuckets(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	ok, err := h.s.BucketExists(ctx, b)
	if err != nil || !ok {
		t.Errorf("BucketExists(created bucket) = %v, %v; want true, nil", ok, err)
	}
	wantErr(t, "CreateBucket(existing)", h.s.CreateBucket(ctx, b), objstore.ErrBucketExists)

	missing := b[:len(b)-8] + "00000000"
	if missing == b {
		missing = b[:len(b)-8] + "11111111"
	}
	ok, err = h.s.BucketExists(ctx, missing)
	if err != nil || ok {
		t.Errorf("BucketExists(missing) = %v, %v; want false, nil", ok, err)
	}
	wantErr(t, "DeleteBucket(missing)", h.s.DeleteBucket(ctx, missing), objstore.ErrBucketNotFound)
	wantErr(t, "DeleteBucket(missing, WithContent())", h.s.DeleteBucket(ctx, missing, objstore.WithContent()), objstore.ErrBucketNotFound)

	h.put(ctx, b, "obj.txt", []byte("content"))
	wantErr(t, "DeleteBucket(bucket with an object)", h.s.DeleteBucket(ctx, b), objstore.ErrBucketNotEmpty)
	noErr(t, "Delete(only object)", h.s.Delete(ctx, b, "obj.txt"))
	noErr(t, "DeleteBucket(emptied bucket)", h.s.DeleteBucket(ctx, b))
	if ok, err := h.s.BucketExists(ctx, b); err != nil || ok {
		t.Errorf("BucketExists(deleted bucket) = %v, %v; want false, nil", ok, err)
	}
}

func testDeleteBucketWithContent(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	for _, id := range []string{"a.txt", "b.txt", "dir_c.txt"} {
		h.put(ctx, b, id, []byte(id))
	}
	only := h.bucket()
	if _, err := h.s.InitUpload(ctx, only, "pending.bin"); err != nil {
		t.Fatalf("InitUpload = %v", err)
	}
	wantErr(t, "DeleteBucket(bucket with only an active upload)", h.s.DeleteBucket(ctx, only), objstore.ErrBucketNotEmpty)
	if _, err := h.s.InitUpload(ctx, b, "pending.bin"); err != nil {
		t.Fatalf("InitUpload = %v", err)
	}
	wantErr(t, "DeleteBucket(bucket with objects and an upload)", h.s.DeleteBucket(ctx, b), objstore.ErrBucketNotEmpty)
	noErr(t, "DeleteBucket(WithContent())", h.s.DeleteBucket(ctx, b, objstore.WithContent()))
	if ok, err := h.s.BucketExists(ctx, b); err != nil || ok {
		t.Errorf("BucketExists after DeleteBucket(WithContent()) = %v, %v; want false, nil", ok, err)
	}
}

func testInvalidIDs(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	badBuckets := []string{"", "ab", "-abc", "abc-", "ABC", "a_b", "a.b", "a b", strings.Repeat("a", 64)}
	for _, id := range badBuckets {
		wantErr(t, "CreateBucket("+id+")", h.s.CreateBucket(ctx, id), objstore.ErrInvalidID)
		_, err := h.s.BucketExists(ctx, id)
		wantErr(t, "BucketExists("+id+")", err, objstore.ErrInvalidID)
		wantErr(t, "DeleteBucket("+id+")", h.s.DeleteBucket(ctx, id), objstore.ErrInvalidID)
		_, err = h.s.Stat(ctx, id, "valid.txt")
		wantErr(t, "Stat(bucket "+id+")", err, objstore.ErrInvalidID)
		for _, err := range h.s.List(ctx, id, "") {
			wantErr(t, "List("+id+")", err, objstore.ErrInvalidID)
		}
	}
	badObjects := []string{"", "ab", ".abc", "abc.", "-abc", "abc-", "a/b", "a b", "ä.txt", strings.Repeat("a", objstore.MaxObjectName+1)}
	for _, id := range badObjects {
		_, err := h.s.Put(ctx, b, id, bytes.NewReader(nil), 0)
		wantErr(t, "Put("+id+")", err, objstore.ErrInvalidID)
		_, err = h.s.Stat(ctx, b, id)
		wantErr(t, "Stat("+id+")", err, objstore.ErrInvalidID)
		_, err = h.s.Get(ctx, b, id)
		wantErr(t, "Get("+id+")", err, objstore.ErrInvalidID)
		wantErr(t, "Delete("+id+")", h.s.Delete(ctx, b, id), objstore.ErrInvalidID)
		wantErr(t, "Copy(to "+id+")", h.s.Copy(ctx, b, "valid.txt", b, id), objstore.ErrInvalidID)
		_, err = h.s.PresignGet(ctx, b, id)
		wantErr(t, "PresignGet("+id+")", err, objstore.ErrInvalidID)
		_, err = h.s.PresignPost(ctx, b, id, 10)
		wantErr(t, "PresignPost("+id+")", err, objstore.ErrInvalidID)
		_, err = h.s.InitUpload(ctx, b, id)
		wantErr(t, "InitUpload("+id+")", err, objstore.ErrInvalidID)
	}
	for _, id := range []string{"abc", "A_b-c.d", strings.Repeat("x", objstore.MaxObjectName), "_x_"} {
		if err := h.s.ValidateObjectID(b, id); err != nil {
			t.Errorf("ValidateObjectID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"abc", "a-b", strings.Repeat("a", 63), "0ab"} {
		if err := h.s.ValidateBucketID(id); err != nil {
			t.Errorf("ValidateBucketID(%q) = %v, want nil", id, err)
		}
	}
}
