package objstoretest

import (
	"bytes"
	"context"
	"crypto/md5"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
)

const mib = 1 << 20

// putPart uploads one part through a presigned URL, with Content-MD5 when
// withMD5, and returns the HTTP status and the ETag.
func (h *harness) putPart(ctx context.Context, b, id, uid string, n int, data []byte, withMD5 bool) (int, string) {
	h.t.Helper()
	var opts []objstore.PresignOption
	if withMD5 {
		opts = append(opts, objstore.WithContentMD5(md5Base64(data)))
	}
	u, err := h.s.PresignPart(ctx, b, id, uid, n, opts...)
	if err != nil {
		h.t.Fatalf("PresignPart(%d) = %v", n, err)
	}
	req := h.request(ctx, http.MethodPut, u, data)
	if withMD5 {
		req.Header.Set("Content-MD5", md5Base64(data))
	}
	status, body, hdr := h.do(req)
	if status != http.StatusOK {
		return status, string(body)
	}
	return status, driver.TrimETag(hdr.Get("ETag"))
}

func (h *harness) mustPart(ctx context.Context, b, id, uid string, n int, data []byte, withMD5 bool) {
	h.t.Helper()
	if status, etag := h.putPart(ctx, b, id, uid, n, data, withMD5); status != http.StatusOK || etag != md5Hex(data) {
		h.t.Fatalf("PUT part %d through its presigned URL: status %d, ETag %q; want 200 and %s", n, status, etag, md5Hex(data))
	}
}

func testMultipart(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	uid, err := h.s.InitUpload(ctx, b, "big.bin", objstore.WithContentType("application/x-test"))
	noErr(t, "InitUpload", err)
	_, err = h.s.InitUpload(ctx, b, "big.bin")
	wantErr(t, "InitUpload(object with an active upload)", err, objstore.ErrUploadActive)
	_, err = h.s.InitUpload(ctx, b, "excl.bin", objstore.IfAbsent())
	wantErr(t, "InitUpload(IfAbsent())", err, objstore.ErrInvalidArgument)
	other, err := h.s.InitUpload(ctx, b, "other.bin")
	noErr(t, "InitUpload(other object)", err)

	ups, err := h.s.ListUploads(ctx, b, "big.bin")
	noErr(t, "ListUploads", err)
	if len(ups) != 1 || ups[0].ID != uid || ups[0].Object != "big.bin" {
		t.Errorf("ListUploads(big.bin) = %+v, want just upload %s", ups, uid)
	}
	ups, err = h.s.ListBucketUploads(ctx, b)
	noErr(t, "ListBucketUploads", err)
	var ids []string
	for _, u := range ups {
		ids = append(ids, u.Object+"/"+u.ID)
	}
	slices.Sort(ids)
	if want := []string{"big.bin/" + uid, "other.bin/" + other}; !slices.Equal(ids, want) {
		t.Errorf("ListBucketUploads = %v, want %v", ids, want)
	}

	data := randomBytes(6, 15*mib)
	var sums [][]byte
	for i := range 3 {
		part := data[i*5*mib : (i+1)*5*mib]
		h.mustPart(ctx, b, "big.bin", uid, i+1, part, i != 1)
		s := md5.Sum(part)
		sums = append(sums, s[:])
	}
	parts, err := h.s.ListParts(ctx, b, "big.bin", uid)
	noErr(t, "ListParts", err)
	if len(parts) != 3 {
		t.Fatalf("ListParts = %+v, want 3 parts", parts)
	}
	for i, p := range parts {
		if p.Number != i+1 || p.Size != 5*mib || p.ETag != md5Hex(data[i*5*mib:(i+1)*5*mib]) {
			t.Errorf("ListParts()[%d] = %+v, want part %d of %d bytes with its MD5 as ETag", i, p, i+1, 5*mib)
		}
	}
	noErr(t, "CompleteUpload(WithPartCount(3), WithAnticipatedPartSize(5 MiB))",
		h.s.CompleteUpload(ctx, b, "big.bin", uid, objstore.WithPartCount(3), objstore.WithAnticipatedPartSize(5*mib)))

	st, err := h.s.Stat(ctx, b, "big.bin")
	noErr(t, "Stat(multipart object)", err)
	if want := driver.MultipartETag(sums); st.Size != 15*mib || st.ETag != want {
		t.Errorf("Stat(multipart object) = size %d ETag %q, want %d and %q", st.Size, st.ETag, 15*mib, want)
	}
	if got, _ := h.read(ctx, b, "big.bin"); !bytes.Equal(got, data) {
		t.Errorf("Get(multipart object) returned %d bytes that differ from the %d uploaded", len(got), len(data))
	}
	if ups, err := h.s.ListUploads(ctx, b, "big.bin"); err != nil || len(ups) != 0 {
		t.Errorf("ListUploads after completing = %+v, %v; want none", ups, err)
	}
	_, err = h.s.ListParts(ctx, b, "big.bin", uid)
	wantErr(t, "ListParts(completed upload)", err, objstore.ErrUploadNotFound)
	wantErr(t, "CompleteUpload(completed upload)", h.s.CompleteUpload(ctx, b, "big.bin", uid), objstore.ErrUploadNotFound)

	noErr(t, "Copy(multipart object)", h.s.Copy(ctx, b, "big.bin", b, "copy.bin"))
	if st, err := h.s.Stat(ctx, b, "copy.bin"); err != nil || st.Size != 15*mib {
		t.Errorf("Stat(copy of multipart object) = %+v, %v; want size %d", st, err, 15*mib)
	}
	if got, _ := h.read(ctx, b, "copy.bin"); !bytes.Equal(got, data) {
		t.Errorf("Get(copy of multipart object) returned %d bytes that differ from the original", len(got))
	}

	for _, n := range []int{0, -1, objstore.MaxParts + 1} {
		_, err := h.s.PresignPart(ctx, b, "other.bin", other, n)
		wantErr(t, "PresignPart(part number out of range)", err, objstore.ErrInvalidArgument)
	}
	if _, err := h.s.PresignPart(ctx, b, "other.bin", other, objstore.MaxParts); err != nil {
		t.Errorf("PresignPart(part %d) = %v, want nil", objstore.MaxParts, err)
	}
	_, err = h.s.PresignPart(ctx, b, "other.bin", "", 1)
	wantErr(t, "PresignPart(empty upload id)", err, objstore.ErrUploadNotFound)

	h.mustPart(ctx, b, "other.bin", other, 1, []byte("abandoned part"), false)
	noErr(t, "AbortUpload", h.s.AbortUpload(ctx, b, "other.bin", other))
	if ups, err := h.s.ListBucketUploads(ctx, b); err != nil || len(ups) != 0 {
		t.Errorf("ListBucketUploads after abort = %+v, %v; want none", ups, err)
	}
	_, err = h.s.ListParts(ctx, b, "other.bin", other)
	wantErr(t, "ListParts(aborted upload)", err, objstore.ErrUploadNotFound)
	wantErr(t, "AbortUpload(aborted upload)", h.s.AbortUpload(ctx, b, "other.bin", other), objstore.ErrUploadNotFound)
	if ok, err := h.s.ObjectExists(ctx, b, "other.bin"); err != nil || ok {
		t.Errorf("ObjectExists(object of aborted upload) = %v, %v; want false, nil", ok, err)
	}
}

func testMultipartChecks(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	uid, err := h.s.InitUpload(ctx, b, "checked.bin")
	noErr(t, "InitUpload", err)
	wantErr(t, "CompleteUpload(no parts)", h.s.CompleteUpload(ctx, b, "checked.bin", uid), objstore.ErrPartsMismatch)

	h.mustPart(ctx, b, "checked.bin", uid, 1, randomBytes(7, 1024), true)
	h.mustPart(ctx, b, "checked.bin", uid, 3, randomBytes(8, 1024), true)
	wantErr(t, "CompleteUpload(parts 1 and 3, WithPartCount(2))",
		h.s.CompleteUpload(ctx, b, "checked.bin", uid, objstore.WithPartCount(2)), objstore.ErrPartsMismatch)
	wantErr(t, "CompleteUpload(2 parts, WithPartCount(3))",
		h.s.CompleteUpload(ctx, b, "checked.bin", uid, objstore.WithPartCount(3)), objstore.ErrPartsMismatch)
	// Anticipations out of bounds are refused, not taken for "no check".
	for name, opt := range map[string]objstore.CompleteOption{
		"WithPartCount(0)":                   objstore.WithPartCount(0),
		"WithPartCount(-1)":                  objstore.WithPartCount(-1),
		"WithPartCount(MaxParts+1)":          objstore.WithPartCount(objstore.MaxParts + 1),
		"WithAnticipatedPartSize(0)":         objstore.WithAnticipatedPartSize(0),
		"WithAnticipatedPartSize(-1)":        objstore.WithAnticipatedPartSize(-1),
		"WithAnticipatedPartSize(5 GiB + 1)": objstore.WithAnticipatedPartSize(objstore.MaxPartSize + 1),
	} {
		wantErr(t, "CompleteUpload(parts 1 and 3, "+name+")", h.s.CompleteUpload(ctx, b, "checked.bin", uid, opt), objstore.ErrInvalidArgument)
	}
	if parts, err := h.s.ListParts(ctx, b, "checked.bin", uid); err != nil || len(parts) != 2 {
		t.Errorf("ListParts after refused completions = %d parts, %v; want the upload intact with 2 parts", len(parts), err)
	}
	noErr(t, "AbortUpload", h.s.AbortUpload(ctx, b, "checked.bin", uid))

	cases := []struct {
		name  string
		sizes []int
	}{
		{"last part larger", []int{1024, 1025}},
		{"middle part smaller", []int{1024, 1000, 10}},
		{"first part larger", []int{2048, 10}},
	}
	for _, c := range cases {
		uid, err := h.s.InitUpload(ctx, b, "sized.bin")
		noErr(t, "InitUpload", err)
		for i, n := range c.sizes {
			h.mustPart(ctx, b, "sized.bin", uid, i+1, randomBytes(uint64(i), n), false)
		}
		err = h.s.CompleteUpload(ctx, b, "sized.bin", uid, objstore.WithAnticipatedPartSize(1024))
		wantErr(t, "CompleteUpload("+c.name+", WithAnticipatedPartSize(1024))", err, objstore.ErrPartsMismatch)
		if parts, err := h.s.ListParts(ctx, b, "sized.bin", uid); err != nil || len(parts) != len(c.sizes) {
			t.Errorf("ListParts after a refused CompleteUpload = %d parts, %v; want the upload intact with %d parts", len(parts), err, len(c.sizes))
		}
		noErr(t, "AbortUpload", h.s.AbortUpload(ctx, b, "sized.bin", uid))
	}
	if ok, err := h.s.ObjectExists(ctx, b, "sized.bin"); err != nil || ok {
		t.Errorf("ObjectExists after refused completions = %v, %v; want false, nil", ok, err)
	}
}

func testMultipartServerRules(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	uid, err := h.s.InitUpload(ctx, b, "small.bin")
	noErr(t, "InitUpload", err)
	h.mustPart(ctx, b, "small.bin", uid, 1, randomBytes(9, 1024), true)
	h.mustPart(ctx, b, "small.bin", uid, 2, randomBytes(10, 1024), true)
	err = h.s.CompleteUpload(ctx, b, "small.bin", uid)
	wantErr(t, "CompleteUpload(first part smaller than 5 MiB)", err, objstore.ErrPartsMismatch)

	// A part whose body does not match its signed Content-MD5.
	part := randomBytes(11, 1024)
	u, err := h.s.PresignPart(ctx, b, "small.bin", uid, 3, objstore.WithContentMD5(md5Base64(part)))
	noErr(t, "PresignPart(WithContentMD5)", err)
	req := h.request(ctx, http.MethodPut, u, part[:1000])
	req.Header.Set("Content-MD5", md5Base64(part))
	if status, body, _ := h.do(req); status != http.StatusBadRequest {
		t.Errorf("PUT part with a body not matching Content-MD5: status %d (%s), want 400", status, body)
	}
	if status, body := h.putPart(ctx, b, "small.bin", "no-such-upload", 1, part, false); status != http.StatusNotFound {
		t.Errorf("PUT part of an unknown upload: status %d (%s), want 404", status, body)
	}
	noErr(t, "AbortUpload", h.s.AbortUpload(ctx, b, "small.bin", uid))
	_, err = h.s.ListParts(ctx, b, "small.bin", "no-such-upload")
	wantErr(t, "ListParts(unknown upload)", err, objstore.ErrUploadNotFound)
	wantErr(t, "AbortUpload(unknown upload)", h.s.AbortUpload(ctx, b, "small.bin", "no-such-upload"), objstore.ErrUploadNotFound)
	if !strings.HasPrefix(err.Error(), "objstore: ") {
		t.Errorf("error %q lacks the objstore: prefix", err)
	}
}
