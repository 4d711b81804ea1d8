package objstoretest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
)

func testObjects(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := []byte("hello, object storage")
	before := time.Now()
	info := h.put(ctx, b, "greeting.txt", data,
		objstore.WithContentType("text/plain"), objstore.WithMetadata(map[string]string{"Owner": "alice", "kind": "greeting"}))
	if info.Size != int64(len(data)) || info.ETag != md5Hex(data) {
		t.Errorf("Put returned size %d etag %q; want %d, %q (the MD5)", info.Size, info.ETag, len(data), md5Hex(data))
	}

	ok, err := h.s.ObjectExists(ctx, b, "greeting.txt")
	if err != nil || !ok {
		t.Errorf("ObjectExists(stored) = %v, %v; want true, nil", ok, err)
	}
	ok, err = h.s.ObjectExists(ctx, b, "missing.txt")
	if err != nil || ok {
		t.Errorf("ObjectExists(missing) = %v, %v; want false, nil", ok, err)
	}

	st, err := h.s.Stat(ctx, b, "greeting.txt")
	noErr(t, "Stat", err)
	if st.Size != int64(len(data)) || st.ETag != md5Hex(data) || st.ContentType != "text/plain" || st.ID != "greeting.txt" {
		t.Errorf("Stat = size %d etag %q type %q id %q; want %d, %q, text/plain, greeting.txt",
			st.Size, st.ETag, st.ContentType, st.ID, len(data), md5Hex(data))
	}
	if st.Metadata["owner"] != "alice" || st.Metadata["kind"] != "greeting" || len(st.Metadata) != 2 {
		t.Errorf("Stat metadata = %v, want exactly owner=alice kind=greeting (keys in lower case)", st.Metadata)
	}
	// LastModified has whole seconds everywhere, so it may be before an
	// instant taken just before the write, but not before its second.
	if lm := st.LastModified; lm.IsZero() || lm.Before(before.Truncate(time.Second)) || lm.After(time.Now()) || !lm.Equal(lm.Truncate(time.Second)) {
		t.Errorf("Stat LastModified = %v, want whole seconds from %v (the second before Put) to now", lm, before.Truncate(time.Second))
	}

	got, r := h.read(ctx, b, "greeting.txt")
	if !bytes.Equal(got, data) {
		t.Errorf("Get = %q, want %q", got, data)
	}
	if !r.Verified() {
		t.Errorf("Reader.Verified() after a whole read of a single-part object = false, want true")
	}
	if r.Info().Size != int64(len(data)) || r.Info().Metadata["owner"] != "alice" || !r.Info().LastModified.Equal(st.LastModified) {
		t.Errorf("Reader.Info() = %+v, want size %d, the metadata and Stat's LastModified %v", r.Info(), len(data), st.LastModified)
	}

	// Replace, then empty object.
	h.put(ctx, b, "greeting.txt", []byte("bye"))
	if got, _ := h.read(ctx, b, "greeting.txt"); string(got) != "bye" {
		t.Errorf("Get after replacing = %q, want bye", got)
	}
	h.put(ctx, b, "empty.bin", nil)
	if got, r := h.read(ctx, b, "empty.bin"); len(got) != 0 || r.Info().Size != 0 {
		t.Errorf("Get(empty object) = %d bytes, size %d; want 0", len(got), r.Info().Size)
	}

	_, err = h.s.Stat(ctx, b, "missing.txt")
	wantErr(t, "Stat(missing)", err, objstore.ErrObjectNotFound)
	_, err = h.s.Get(ctx, b, "missing.txt")
	wantErr(t, "Get(missing)", err, objstore.ErrObjectNotFound)
	noErr(t, "Delete(missing object)", h.s.Delete(ctx, b, "missing.txt"))
	noErr(t, "Delete", h.s.Delete(ctx, b, "greeting.txt"))
	if ok, _ := h.s.ObjectExists(ctx, b, "greeting.txt"); ok {
		t.Errorf("ObjectExists after Delete = true, want false")
	}
	_, err = h.s.Put(ctx, b, "neg.bin", bytes.NewReader(nil), -2)
	wantErr(t, "Put(size -2)", err, objstore.ErrInvalidArgument)
	_, err = h.s.Put(ctx, b, "meta.bin", bytes.NewReader(nil), 0, objstore.WithMetadata(map[string]string{"hexkit-part-size": "1"}))
	wantErr(t, "Put(reserved metadata key)", err, objstore.ErrInvalidArgument)
	for _, m := range []map[string]string{{"a key": "v"}, {"": "v"}, {"k": "line\nbreak"}} {
		_, err = h.s.Put(ctx, b, "meta.bin", bytes.NewReader(nil), 0, objstore.WithMetadata(m))
		wantErr(t, fmt.Sprintf("Put(WithMetadata(%q))", m), err, objstore.ErrInvalidArgument)
	}
	if _, err := h.s.InitUpload(ctx, b, "meta.bin", objstore.WithMetadata(map[string]string{"a key": "v"})); !errors.Is(err, objstore.ErrInvalidArgument) {
		t.Errorf("InitUpload(metadata key with a space) = %v, want ErrInvalidArgument", err)
	}
	if info := h.put(ctx, b, "utf8.bin", nil, objstore.WithMetadata(map[string]string{"Title": "Grüße"})); info.ContentType != "application/octet-stream" {
		t.Errorf("Put without a content type returned content type %q, want application/octet-stream (what Stat reports)", info.ContentType)
	}
	if st, err := h.s.Stat(ctx, b, "utf8.bin"); err != nil || st.Metadata["title"] != "Grüße" || st.ContentType != "application/octet-stream" {
		t.Errorf("Stat(utf8.bin) = %+v, %v; want metadata title=Grüße and the default content type application/octet-stream", st, err)
	}
}

func testMissingBucket(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	noErr(t, "DeleteBucket", h.s.DeleteBucket(ctx, b))
	_, err := h.s.Stat(ctx, b, "obj.txt")
	wantErr(t, "Stat(missing bucket)", err, objstore.ErrBucketNotFound)
	_, err = h.s.ObjectExists(ctx, b, "obj.txt")
	wantErr(t, "ObjectExists(missing bucket)", err, objstore.ErrBucketNotFound)
	_, err = h.s.Get(ctx, b, "obj.txt")
	wantErr(t, "Get(missing bucket)", err, objstore.ErrBucketNotFound)
	_, err = h.s.Put(ctx, b, "obj.txt", bytes.NewReader([]byte("x")), 1)
	wantErr(t, "Put(missing bucket)", err, objstore.ErrBucketNotFound)
	wantErr(t, "Delete(missing bucket)", h.s.Delete(ctx, b, "obj.txt"), objstore.ErrBucketNotFound)
	for _, err := range h.s.List(ctx, b, "") {
		wantErr(t, "List(missing bucket)", err, objstore.ErrBucketNotFound)
	}
	_, err = h.s.InitUpload(ctx, b, "obj.txt")
	wantErr(t, "InitUpload(missing bucket)", err, objstore.ErrBucketNotFound)
	_, err = h.s.ListBucketUploads(ctx, b)
	wantErr(t, "ListBucketUploads(missing bucket)", err, objstore.ErrBucketNotFound)
}

func testRanges(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := randomBytes(1, 100_000)
	h.put(ctx, b, "range.bin", data)
	for _, c := range []struct{ off, n int64 }{{0, 10}, {10, 1}, {99_990, 10}, {99_990, -1}, {50_000, 100_000}, {1, -1}} {
		got, r := h.read(ctx, b, "range.bin", objstore.WithRange(c.off, c.n))
		end := int64(len(data))
		if c.n >= 0 && c.off+c.n < end {
			end = c.off + c.n
		}
		if !bytes.Equal(got, data[c.off:end]) {
			t.Errorf("Get(WithRange(%d, %d)) = %d bytes, want bytes %d to %d", c.off, c.n, len(got), c.off, end)
		}
		if r.Info().Size != int64(len(data)) {
			t.Errorf("Get(WithRange(%d, %d)).Info().Size = %d, want the whole size %d", c.off, c.n, r.Info().Size, len(data))
		}
	}
	h.put(ctx, b, "empty.bin", nil)
	if r, err := h.s.Get(ctx, b, "empty.bin", objstore.WithRange(0, 10)); !errors.Is(err, objstore.ErrInvalidArgument) {
		if err == nil {
			r.Close()
		}
		t.Errorf("Get(empty object, WithRange(0, 10)) = %v, want ErrInvalidArgument", err)
	}
	for _, c := range []struct{ off, n int64 }{{-1, 10}, {0, 0}, {0, -2}, {100_000, 10}, {200_000, -1}} {
		r, err := h.s.Get(ctx, b, "range.bin", objstore.WithRange(c.off, c.n))
		if err == nil {
			r.Close()
		}
		wantErr(t, fmt.Sprintf("Get(WithRange(%d, %d))", c.off, c.n), err, objstore.ErrInvalidArgument)
	}
}

func testList(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	var all []string
	for _, id := range []string{"b-2.txt", "a-1.txt", "b-1.txt", "c.txt", "b-10.txt"} {
		h.put(ctx, b, id, []byte(id))
		all = append(all, id)
	}
	slices.Sort(all)
	collect := func(prefix string) []string {
		var ids []string
		for id, err := range h.s.List(ctx, b, prefix) {
			noErr(t, "List("+prefix+")", err)
			ids = append(ids, id)
		}
		return ids
	}
	if got := collect(""); !slices.Equal(got, all) {
		t.Errorf("List(all) = %v, want %v", got, all)
	}
	if got, want := collect("b-"), []string{"b-1.txt", "b-10.txt", "b-2.txt"}; !slices.Equal(got, want) {
		t.Errorf("List(prefix b-) = %v, want %v", got, want)
	}
	for _, prefix := range []string{"zzz", "\x00", "\x01", "/", "a-1.txt/", "\ufffe", "é", strings.Repeat("a", 1024)} {
		if got := collect(prefix); len(got) != 0 {
			t.Errorf("List(prefix %.20q) = %v, want nothing", prefix, got)
		}
	}
	// S3 refuses a prefix no id could have; so does every store, with one
	// sentinel, before any request.
	for _, prefix := range []string{"\xff", "b-\xc3", strings.Repeat("a", 1025)} {
		n := 0
		for id, err := range h.s.List(ctx, b, prefix) {
			if n++; err == nil {
				t.Errorf("List(prefix %.20q) yielded %q, want an error matching ErrInvalidArgument", prefix, id)
				continue
			}
			wantErr(t, fmt.Sprintf("List(prefix %.20q)", prefix), err, objstore.ErrInvalidArgument)
		}
		if n != 1 {
			t.Errorf("List(prefix %.20q) yielded %d times, want one error", prefix, n)
		}
	}
	n := 0
	for range h.s.List(ctx, b, "") {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("breaking out of List after 2 ids counted %d", n)
	}
	empty := h.bucket()
	for id, err := range h.s.List(ctx, empty, "") {
		t.Errorf("List(empty bucket) yielded %q, %v; want nothing", id, err)
	}
}

func testCopy(t *testing.T, h *harness) {
	ctx := h.ctx()
	b, other := h.bucket(), h.bucket()
	data := []byte("copy me")
	h.put(ctx, b, "src.txt", data, objstore.WithContentType("text/plain"), objstore.WithMetadata(map[string]string{"k": "v"}))

	noErr(t, "Copy(to new object)", h.s.Copy(ctx, b, "src.txt", b, "dst.txt"))
	st, err := h.s.Stat(ctx, b, "dst.txt")
	noErr(t, "Stat(copy)", err)
	if st.Size != int64(len(data)) || st.ETag != md5Hex(data) || st.Metadata["k"] != "v" || st.ContentType != "text/plain" {
		t.Errorf("Stat(copy) = %+v, want the source's size, ETag, content type and metadata", st)
	}
	if got, _ := h.read(ctx, b, "dst.txt"); !bytes.Equal(got, data) {
		t.Errorf("Get(copy) = %q, want %q", got, data)
	}
	noErr(t, "Copy(to another bucket)", h.s.Copy(ctx, b, "src.txt", other, "src.txt"))
	if got, _ := h.read(ctx, other, "src.txt"); !bytes.Equal(got, data) {
		t.Errorf("Get(copy in another bucket) = %q, want %q", got, data)
	}

	h.put(ctx, b, "taken.txt", []byte("old"))
	wantErr(t, "Copy(to existing object)", h.s.Copy(ctx, b, "src.txt", b, "taken.txt"), objstore.ErrObjectExists)
	if got, _ := h.read(ctx, b, "taken.txt"); string(got) != "old" {
		t.Errorf("refused Copy changed the destination to %q", got)
	}
	noErr(t, "Copy(WithOverwrite())", h.s.Copy(ctx, b, "src.txt", b, "taken.txt", objstore.WithOverwrite()))
	if got, _ := h.read(ctx, b, "taken.txt"); !bytes.Equal(got, data) {
		t.Errorf("Get after Copy(WithOverwrite()) = %q, want %q", got, data)
	}

	wantErr(t, "Copy(onto itself)", h.s.Copy(ctx, b, "src.txt", b, "src.txt", objstore.WithOverwrite()), objstore.ErrInvalidArgument)
	wantErr(t, "Copy(missing source)", h.s.Copy(ctx, b, "missing.txt", b, "x.txt"), objstore.ErrObjectNotFound)
	gone := h.bucket()
	noErr(t, "DeleteBucket", h.s.DeleteBucket(ctx, gone))
	wantErr(t, "Copy(to missing bucket)", h.s.Copy(ctx, b, "src.txt", gone, "x.txt"), objstore.ErrBucketNotFound)
	wantErr(t, "Copy(from missing bucket)", h.s.Copy(ctx, gone, "src.txt", b, "y.txt"), objstore.ErrBucketNotFound)
}

func testIfAbsent(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	h.put(ctx, b, "once.txt", []byte("first"), objstore.IfAbsent())
	_, err := h.s.Put(ctx, b, "once.txt", bytes.NewReader([]byte("second")), 6, objstore.IfAbsent())
	wantErr(t, "Put(IfAbsent(), existing object)", err, objstore.ErrObjectExists)
	if got, _ := h.read(ctx, b, "once.txt"); string(got) != "first" {
		t.Errorf("refused Put(IfAbsent()) changed the object to %q", got)
	}
	if errors.Is(err, objstore.ErrBucketNotFound) {
		t.Errorf("Put(IfAbsent()) error %v also matches ErrBucketNotFound", err)
	}
	// Larger than the default part size: a multipart Put checks at completion.
	big := randomBytes(19, objstore.DefaultPartSize+1)
	_, err = h.s.Put(ctx, b, "once.txt", bytes.NewReader(big), int64(len(big)), objstore.IfAbsent())
	wantErr(t, "large Put(IfAbsent(), existing object)", err, objstore.ErrObjectExists)
	if got, _ := h.read(ctx, b, "once.txt"); string(got) != "first" {
		t.Errorf("refused large Put(IfAbsent()) changed the object to %d bytes", len(got))
	}
	if ups, err := h.s.ListBucketUploads(ctx, b); err != nil || len(ups) != 0 {
		t.Errorf("ListBucketUploads after a refused large Put(IfAbsent()) = %+v, %v; want none", ups, err)
	}
	h.put(ctx, b, "big-once.bin", big, objstore.IfAbsent())
}
