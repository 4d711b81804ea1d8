package objstoretest

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
)

// testMetadataRules checks the rules every store applies to metadata and
// content types, decided once because S3 servers refuse the rest or store
// it changed.
func testMetadataRules(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	exact := map[string]string{"big": strings.Repeat("v", objstore.MaxMetadataSize-3)}
	for _, m := range []map[string]string{
		{"title": "Grüße", "emoji": "😀"},
		{"empty": ""},
		{"my_key": "inner spaces stay", "a.b": `"quoted"`},
		{"double": "two  spaces", "zero-width": "a\u200bb", "mid": "a =?utf-8?b?w7w=?="},
		{"x-amzfoo": "v", "content-typed": "v", "amz-x": "v", "etag": "v"},
		exact,
	} {
		h.put(ctx, b, "meta.bin", []byte("x"), objstore.WithMetadata(m))
		st, err := h.s.Stat(ctx, b, "meta.bin")
		if err != nil || !maps.Equal(st.Metadata, m) {
			t.Errorf("Stat after Put(WithMetadata(%.40q)) = %.80q, %v; want the metadata back unchanged", m, st.Metadata, err)
		}
	}
	refused := []map[string]string{
		{"k": "tab\there"},
		{"k": "del\x7f"},
		{"k": "bad utf-8 \xff"},
		{"k": " leading space"},
		{"k": "trailing space "},
		{"a key": "v"},
		{"": "v"},
		{"k:colon": "v"},
		{"hexkit-part-size": "1"},
		// White space other than the ASCII space breaks the signature or
		// is trimmed; "=?" starts an RFC 2047 word that clients decode.
		{"k": "a\u0085b"},
		{"k": "a\u00a0b"},
		{"k": "a\u1680b"},
		{"k": "a\u2028b"},
		{"k": "a\u3000b"},
		{"k": "trailing nbsp\u00a0"},
		{"k": "=?utf-8?b?w7w=?="},
		{"k": "=?UTF-8?Q?caf=C3=A9?= tail"},
		// Keys S3 clients send as headers of their own, not as metadata.
		{"x-amz-meta-k": "v"},
		{"X-Amz-Acl": "public-read"},
		{"x-amz-foo": "v"},
		{"x-minio-foo": "v"},
		{"content-type": "text/plain"},
		{"Cache-Control": "no-store"},
		{"content-disposition": "attachment"},
		{"content-encoding": "gzip"},
		{"content-language": "de"},
		{"expires": "0"},
		{"big": strings.Repeat("v", objstore.MaxMetadataSize-2)},
		{"a": strings.Repeat("v", objstore.MaxMetadataSize/2), "b": strings.Repeat("v", objstore.MaxMetadataSize/2)},
	}
	for _, m := range refused {
		_, err := h.s.Put(ctx, b, "refused.bin", bytes.NewReader([]byte("x")), 1, objstore.WithMetadata(m))
		wantErr(t, fmt.Sprintf("Put(WithMetadata(%.40q))", m), err, objstore.ErrInvalidArgument)
		_, err = h.s.InitUpload(ctx, b, "refused.bin", objstore.WithMetadata(m))
		wantErr(t, fmt.Sprintf("InitUpload(WithMetadata(%.40q))", m), err, objstore.ErrInvalidArgument)
	}
	for _, ct := range []string{"text/plain\n", "text/plain\r\nX-Other: 1", " text/plain", "text/plain\t", "\xff",
		"text/plain\u00a0", "\u3000text/plain", "text/a\u2028b", "text/a\u0085b"} {
		_, err := h.s.Put(ctx, b, "refused.bin", bytes.NewReader([]byte("x")), 1, objstore.WithContentType(ct))
		wantErr(t, fmt.Sprintf("Put(WithContentType(%q))", ct), err, objstore.ErrInvalidArgument)
	}
	for _, ct := range []string{"text/plain; charset=utf-8", "text/x-grüße", "=?utf-8?b?w7w=?="} {
		h.put(ctx, b, "typed.txt", []byte("x"), objstore.WithContentType(ct))
		if st, err := h.s.Stat(ctx, b, "typed.txt"); err != nil || st.ContentType != ct {
			t.Errorf("Stat after Put(WithContentType(%q)) = %+v, %v; want that content type back", ct, st, err)
		}
	}
	if ok, err := h.s.ObjectExists(ctx, b, "refused.bin"); err != nil || ok {
		t.Errorf("ObjectExists after refused writes = %v, %v; want false, nil", ok, err)
	}
	if ups, err := h.s.ListBucketUploads(ctx, b); err != nil || len(ups) != 0 {
		t.Errorf("ListBucketUploads after refused InitUploads = %+v, %v; want none", ups, err)
	}
	_, err := h.s.PresignPost(ctx, b, "x.bin", objstore.MaxPartSize+1)
	wantErr(t, "PresignPost(max size above MaxPartSize)", err, objstore.ErrInvalidArgument)
}

// testIDsWithinS3 checks that id rules that allow everything still keep
// ids within what S3 servers store under the name given.
func testIDsWithinS3(t *testing.T, h *harness) {
	ctx := h.ctx()
	any := func(string) error { return nil }
	s := h.newStore(t, objstore.WithIDRules(objstore.IDRules{Bucket: any, Object: any}))
	for _, id := range []string{"UPPER", "a_b", "ab", "-abc", "abc.", "192.168.1.1", "999.1.1.1", "a..b", "a.-b", "a-.b", strings.Repeat("a", 64)} {
		wantErr(t, "CreateBucket("+id+") under permissive rules", s.CreateBucket(ctx, id), objstore.ErrInvalidID)
	}
	b := h.bucketOn(s)
	for _, id := range []string{"", ".", "..", "a/./b", "a/../b", "/lead", "trail/", "a//b", "nul\x00", "bad\xff", "a\ufffeb", "a\uffffb",
		".sgwtmp", "a/.sgwtmp", ".sgwtmp/x", "b/.sgwtmp/c",
		strings.Repeat("k", 256) + "/k", "d/" + strings.Repeat("é", 128) + "/k", strings.Repeat(strings.Repeat("k", 200)+"/", 5) + strings.Repeat("k", 30),
		strings.Repeat("k", objstore.MaxObjectName+1), "d/" + strings.Repeat("é", objstore.MaxObjectName/2+1)} {
		_, err := s.Put(ctx, b, id, bytes.NewReader([]byte("x")), 1)
		wantErr(t, fmt.Sprintf("Put(%.40q) under permissive rules", id), err, objstore.ErrInvalidID)
		_, err = s.PresignGet(ctx, b, id)
		wantErr(t, fmt.Sprintf("PresignGet(%.40q) under permissive rules", id), err, objstore.ErrInvalidID)
	}
	accepted := []string{"dir/sub/name with spaces+1.txt", "Grüße.txt", "a\ufdd0\U0010fffe\u0085b", strings.Repeat("k", objstore.MaxObjectName), "q?x#y%20z",
		"d/" + strings.Repeat("é", objstore.MaxObjectName/2), strings.Repeat("s", 255) + "/x", "x.sgwtmp/.sgwtmpx", ".SGWTMP/.sgwtmp.x"}
	for i, id := range accepted {
		data := []byte(fmt.Sprintf("object %d", i))
		if _, err := s.Put(ctx, b, id, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Errorf("Put(%.40q) under permissive rules = %v, want nil", id, err)
			continue
		}
		u, err := s.PresignGet(ctx, b, id)
		noErr(t, "PresignGet", err)
		if status, body, _ := h.do(h.request(ctx, http.MethodGet, u, nil)); status != http.StatusOK || !bytes.Equal(body, data) {
			t.Errorf("GET presigned URL of %.40q: status %d, %q; want 200 and %q", id, status, body, data)
		}
	}
	var listed []string
	for id, err := range s.List(ctx, b, "") {
		noErr(t, "List", err)
		listed = append(listed, id)
	}
	slices.Sort(accepted)
	if !slices.Equal(listed, accepted) {
		t.Errorf("List = %.60q, want the %d ids stored, in lexical order", listed, len(accepted))
	}
}

// testLongNames checks that an object whose name has the most bytes the
// rules allow can be replaced by every kind of write: S3 servers that keep
// objects as files store longer names once but cannot replace them.
func testLongNames(t *testing.T, h *harness) {
	ctx := h.ctx()
	any := func(string) error { return nil }
	loose := h.newStore(t, objstore.WithIDRules(objstore.IDRules{Object: any}))
	name := strings.Repeat("n", objstore.MaxObjectName)
	for _, c := range []struct {
		s  objstore.Store
		id string
	}{
		{h.s, name},
		{loose, "d/" + name},
		{loose, strings.Repeat("m", 255) + "/" + name},
	} {
		b := h.bucketOn(c.s)
		what := fmt.Sprintf("%d-byte id ending in %d bytes", len(c.id), objstore.MaxObjectName)
		for i := range 2 {
			if _, err := c.s.Put(ctx, b, c.id, bytes.NewReader([]byte("put")), 3); err != nil {
				t.Errorf("Put %d of a %s = %v, want nil", i+1, what, err)
			}
		}
		_, err := c.s.Put(ctx, b, "src.txt", bytes.NewReader([]byte("copied")), 6)
		noErr(t, "Put(src.txt)", err)
		if err := c.s.Copy(ctx, b, "src.txt", b, c.id, objstore.WithOverwrite()); err != nil {
			t.Errorf("Copy(WithOverwrite) onto a %s = %v, want nil", what, err)
		}
		u, err := c.s.PresignPut(ctx, b, c.id)
		noErr(t, "PresignPut", err)
		if status, body, _ := h.do(h.request(ctx, http.MethodPut, u, []byte("presigned"))); status != http.StatusOK {
			t.Errorf("presigned PUT over a %s: status %d (%s), want 200", what, status, body)
		}
		uid, err := c.s.InitUpload(ctx, b, c.id)
		noErr(t, "InitUpload", err)
		part, err := c.s.PresignPart(ctx, b, c.id, uid, 1)
		noErr(t, "PresignPart", err)
		if status, body, _ := h.do(h.request(ctx, http.MethodPut, part, []byte("multipart"))); status != http.StatusOK {
			t.Fatalf("PUT part: status %d (%s), want 200", status, body)
		}
		if err := c.s.CompleteUpload(ctx, b, c.id, uid); err != nil {
			t.Errorf("CompleteUpload over a %s = %v, want nil", what, err)
		}
		if st, err := c.s.Stat(ctx, b, c.id); err != nil || st.Size != int64(len("multipart")) {
			t.Errorf("Stat(%s) after the last write = %+v, %v; want the 9 bytes of the multipart upload", what, st, err)
		}
	}
}

// testClose checks that a closed store refuses every call.
func testClose(t *testing.T, h *harness) {
	ctx := h.ctx()
	s := h.newStore(t)
	b := h.bucket()
	noErr(t, "Close", s.Close())
	noErr(t, "second Close", s.Close())
	wantErr(t, "CreateBucket after Close", s.CreateBucket(ctx, "closed-bucket-x"), objstore.ErrClosed)
	_, err := s.Stat(ctx, b, "obj.txt")
	wantErr(t, "Stat after Close", err, objstore.ErrClosed)
	_, err = s.Put(ctx, b, "obj.txt", bytes.NewReader([]byte("x")), 1)
	wantErr(t, "Put after Close", err, objstore.ErrClosed)
	_, err = s.Get(ctx, b, "obj.txt")
	wantErr(t, "Get after Close", err, objstore.ErrClosed)
	_, err = s.PresignGet(ctx, b, "obj.txt")
	wantErr(t, "PresignGet after Close", err, objstore.ErrClosed)
	for _, err := range s.List(ctx, b, "") {
		wantErr(t, "List after Close", err, objstore.ErrClosed)
	}
	if ok, err := h.s.ObjectExists(ctx, b, "obj.txt"); err != nil || ok {
		t.Errorf("ObjectExists(object put after Close) = %v, %v; want false, nil", ok, err)
	}
}

// testMultipartEdges checks multipart cases where servers and fakes could
// drift: upload ids used with another object, an empty single part.
func testMultipartEdges(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	uid, err := h.s.InitUpload(ctx, b, "one.bin")
	noErr(t, "InitUpload", err)
	_, err = h.s.ListParts(ctx, b, "two.bin", uid)
	wantErr(t, "ListParts(upload of another object)", err, objstore.ErrUploadNotFound)
	wantErr(t, "CompleteUpload(upload of another object)", h.s.CompleteUpload(ctx, b, "two.bin", uid), objstore.ErrUploadNotFound)
	wantErr(t, "AbortUpload(upload of another object)", h.s.AbortUpload(ctx, b, "two.bin", uid), objstore.ErrUploadNotFound)
	if status, body := h.putPart(ctx, b, "two.bin", uid, 1, []byte("abc"), false); status != http.StatusNotFound {
		t.Errorf("PUT part of another object's upload: status %d (%s), want 404", status, body)
	}

	h.mustPart(ctx, b, "one.bin", uid, 1, nil, false)
	noErr(t, "CompleteUpload(one empty part)", h.s.CompleteUpload(ctx, b, "one.bin", uid))
	if st, err := h.s.Stat(ctx, b, "one.bin"); err != nil || st.Size != 0 || !strings.HasSuffix(st.ETag, "-1") {
		t.Errorf("Stat(object of one empty part) = %+v, %v; want size 0 and a multipart ETag", st, err)
	}
	got, r := h.read(ctx, b, "one.bin")
	if len(got) != 0 || r.Verified() {
		t.Errorf("Get(object of one empty part) = %d bytes, verified %v; want 0 bytes, not verified (uploaded by another)", len(got), r.Verified())
	}

	// A copy is stored in one part: a multipart source's copy has the MD5
	// of its bytes as its ETag, so a read of it is verified.
	data := []byte("multipart source")
	uid, err = h.s.InitUpload(ctx, b, "mp.bin")
	noErr(t, "InitUpload", err)
	h.mustPart(ctx, b, "mp.bin", uid, 1, data, false)
	noErr(t, "CompleteUpload", h.s.CompleteUpload(ctx, b, "mp.bin", uid))
	noErr(t, "Copy(multipart object)", h.s.Copy(ctx, b, "mp.bin", b, "mp-copy.bin"))
	if st, err := h.s.Stat(ctx, b, "mp-copy.bin"); err != nil || st.ETag != md5Hex(data) {
		t.Errorf("Stat(copy of a multipart object) = %+v, %v; want the ETag %s (the MD5 of its bytes)", st, err, md5Hex(data))
	}
	if got, r := h.read(ctx, b, "mp-copy.bin"); !bytes.Equal(got, data) || !r.Verified() {
		t.Errorf("Get(copy of a multipart object) = %q, verified %v; want %q, verified", got, r.Verified(), data)
	}
}

// testWriteLimits checks that writes at the limits of content type and
// metadata size succeed on the longest ids, whose percent-encoding takes
// the most room among the request headers an S3 server reads, and that
// one byte or key more is refused everywhere.
func testWriteLimits(t *testing.T, h *harness) {
	ctx := h.ctx()
	any := func(string) error { return nil }
	s := h.newStore(t, objstore.WithIDRules(objstore.IDRules{Object: any}), objstore.WithPartSize(objstore.MinPartSize))
	b := h.bucketOn(s)
	long := func(last string) string {
		return strings.Repeat(strings.Repeat("%", objstore.MaxObjectName)+"/", 4) + strings.Repeat("%", 1024-4*(objstore.MaxObjectName+1)-1) + last
	}
	ct := "t/" + strings.Repeat("x", objstore.MaxContentTypeSize-2)
	most := map[string]string{}
	for i := range objstore.MaxMetadataKeys {
		k := fmt.Sprintf("k%02d", i) + strings.Repeat("k", objstore.MaxMetadataKeySize-3)
		most[k] = strings.Repeat("v", objstore.MaxMetadataSize/objstore.MaxMetadataKeys-objstore.MaxMetadataKeySize)
	}
	lt := map[string]string{"lt": strings.Repeat("<", (objstore.MaxMetadataSize-2)/6)}
	quotes := map[string]string{"a&b": strings.Repeat(`"`, (objstore.MaxMetadataSize-8-1)/2) + "x"}
	for i, m := range []map[string]string{most, lt, quotes} {
		opts := []objstore.WriteOption{objstore.WithContentType(ct), objstore.WithMetadata(m)}
		check := func(what, id string, size int) {
			t.Helper()
			st, err := s.Stat(ctx, b, id)
			if err != nil || st.ContentType != ct || !maps.Equal(st.Metadata, m) || st.Size != int64(size) {
				t.Errorf("Stat after %s with metadata %d at the limits = %.80q, %v; want %d bytes, the content type and metadata", what, i, fmt.Sprint(st), err, size)
			}
		}
		id := long(fmt.Sprint(i))
		_, err := s.Put(ctx, b, id, bytes.NewReader([]byte("x")), 1, append(opts, objstore.IfAbsent())...)
		noErr(t, fmt.Sprintf("Put(IfAbsent) with metadata %d at the limits", i), err)
		check("Put(IfAbsent)", id, 1)
		big := randomBytes(7, objstore.MinPartSize+1)
		_, err = s.Put(ctx, b, id, bytes.NewReader(big), int64(len(big)), opts...)
		noErr(t, fmt.Sprintf("multipart Put with metadata %d at the limits", i), err)
		check("multipart Put", id, len(big))
		uid, err := s.InitUpload(ctx, b, id, opts...)
		noErr(t, fmt.Sprintf("InitUpload with metadata %d at the limits", i), err)
		part, err := s.PresignPart(ctx, b, id, uid, 1)
		noErr(t, "PresignPart", err)
		if status, body, _ := h.do(h.request(ctx, http.MethodPut, part, []byte("part"))); status != http.StatusOK {
			t.Fatalf("PUT part: status %d (%s), want 200", status, body)
		}
		noErr(t, fmt.Sprintf("CompleteUpload with metadata %d at the limits", i), s.CompleteUpload(ctx, b, id, uid))
		check("CompleteUpload", id, 4)
	}
	over := map[string]string{"k": "v"}
	for k, v := range most {
		over[k] = v[:1]
	}
	for what, opt := range map[string]objstore.WriteOption{
		"a content type of one byte more": objstore.WithContentType(ct + "x"),
		"one key more":                    objstore.WithMetadata(over),
		"a key of one byte more":          objstore.WithMetadata(map[string]string{strings.Repeat("k", objstore.MaxMetadataKeySize+1): "v"}),
		"one < more":                      objstore.WithMetadata(map[string]string{"lt": strings.Repeat("<", (objstore.MaxMetadataSize-2)/6+1)}),
		`one " more`:                      objstore.WithMetadata(map[string]string{"q": strings.Repeat(`"`, (objstore.MaxMetadataSize-1)/2+1)}),
		"one & more in keys":              objstore.WithMetadata(map[string]string{"a&b": strings.Repeat("v", objstore.MaxMetadataSize-8+1)}),
	} {
		_, err := s.Put(ctx, b, "refused", bytes.NewReader([]byte("x")), 1, opt)
		wantErr(t, "Put with "+what, err, objstore.ErrInvalidArgument)
		_, err = s.InitUpload(ctx, b, "refused", opt)
		wantErr(t, "InitUpload with "+what, err, objstore.ErrInvalidArgument)
	}
}
