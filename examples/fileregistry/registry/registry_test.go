package registry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
)

// memRecords is a records port in a map, with versions like the DAO adapter.
type memRecords struct {
	mu    sync.Mutex
	files map[string]registry.File
	// beforeUpdate runs before every Update, to let a test slip a
	// concurrent change in.
	beforeUpdate func()
}

func (m *memRecords) Insert(_ context.Context, f registry.File) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[f.ID]; ok {
		return fmt.Errorf("duplicate id %s", f.ID)
	}
	m.files[f.ID] = f
	return nil
}

func (m *memRecords) Get(ctx context.Context, id string) (registry.File, error) {
	if err := ctx.Err(); err != nil {
		return registry.File{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.files[id]
	if !ok {
		return registry.File{}, fmt.Errorf("%w: %s", registry.ErrUnknownFile, id)
	}
	return f, nil
}

func (m *memRecords) Update(_ context.Context, f registry.File) error {
	if m.beforeUpdate != nil {
		m.beforeUpdate()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.files[f.ID]
	if !ok {
		return fmt.Errorf("%w: %s", registry.ErrUnknownFile, f.ID)
	}
	if old.Version != f.Version {
		return fmt.Errorf("%w: %s", registry.ErrConflict, f.ID)
	}
	f.Version++
	m.files[f.ID] = f
	return nil
}

// memStorage is a storage port whose uploads the test makes by hand: they
// land in staged, and Commit moves them to final as the port says.
type memStorage struct {
	mu     sync.Mutex
	staged map[string]string // id -> content
	final  map[string]string // id -> content
}

func (m *memStorage) upload(id, content string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.staged[id] = content
}

func (m *memStorage) UploadForm(_ context.Context, id string, maxSize int64, expiry time.Duration) (string, map[string]string, error) {
	return "https://storage.test/post", map[string]string{"key": "staged/" + id, "max": fmt.Sprint(maxSize), "expiry": expiry.String()}, nil
}

func (m *memStorage) Commit(_ context.Context, id string, size int64) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.staged[id]
	if !ok {
		if c, ok := m.final[id]; ok && int64(len(c)) == size {
			return "etag-" + c, nil
		}
		return "", fmt.Errorf("%w: %s", registry.ErrUploadMissing, id)
	}
	if int64(len(c)) != size {
		return "", fmt.Errorf("%w: %s has %d bytes", registry.ErrSizeMismatch, id, len(c))
	}
	m.final[id] = c
	delete(m.staged, id)
	return "etag-" + c, nil
}

func (m *memStorage) DownloadURL(_ context.Context, id, etag string, expiry time.Duration) (string, error) {
	return "https://storage.test/get/" + id + "/" + etag + "?expiry=" + expiry.String(), nil
}

// memAnnouncer records announcements; err makes it fail.
type memAnnouncer struct {
	mu   sync.Mutex
	sent []registry.File
	err  error
}

func (m *memAnnouncer) FileRegistered(_ context.Context, f registry.File) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.sent = append(m.sent, f)
	return nil
}

type fixture struct {
	reg       *registry.Registry
	records   *memRecords
	storage   *memStorage
	announcer *memAnnouncer
	now       time.Time
}

func newFixture(t *testing.T, opts ...registry.Option) *fixture {
	t.Helper()
	f := &fixture{
		records:   &memRecords{files: map[string]registry.File{}},
		storage:   &memStorage{staged: map[string]string{}, final: map[string]string{}},
		announcer: &memAnnouncer{},
		now:       time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
	}
	n := 0
	opts = append([]registry.Option{
		registry.WithClock(func() time.Time { return f.now }),
		registry.WithIDs(func() string { n++; return fmt.Sprintf("file-%d", n) }),
	}, opts...)
	reg, err := registry.New(f.records, f.storage, f.announcer, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	return f
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, registry.WithURLExpiry(time.Minute))

	up, err := fx.reg.RequestUpload(ctx, "report.pdf", 5)
	if err != nil {
		t.Fatal(err)
	}
	want := registry.Upload{
		FileID: "file-1", URL: "https://storage.test/post", Size: 5, Expires: fx.now.Add(time.Minute),
		Fields: map[string]string{"key": "staged/file-1", "max": "5", "expiry": "1m0s"},
	}
	if diff := cmp.Diff(want, up); diff != "" {
		t.Errorf("RequestUpload (-want +got):\n%s", diff)
	}
	if _, err := fx.reg.DownloadURL(ctx, up.FileID); !errors.Is(err, registry.ErrNotAvailable) {
		t.Errorf("DownloadURL of a pending file = %v, want ErrNotAvailable", err)
	}
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrUploadMissing) {
		t.Errorf("ConfirmUpload before the upload = %v, want ErrUploadMissing", err)
	}

	fx.storage.upload(up.FileID, "hello")
	fx.now = fx.now.Add(time.Second)
	got, err := fx.reg.ConfirmUpload(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	wantFile := registry.File{
		ID: "file-1", Name: "report.pdf", Size: 5, ETag: "etag-hello", State: registry.Available,
		RequestedAt: fx.now.Add(-time.Second), ConfirmedAt: fx.now, Version: 1,
	}
	if diff := cmp.Diff(wantFile, got); diff != "" {
		t.Errorf("ConfirmUpload (-want +got):\n%s", diff)
	}
	stored, err := fx.reg.File(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantFile, stored); diff != "" {
		t.Errorf("stored record (-want +got):\n%s", diff)
	}
	announced := wantFile
	announced.Version = 0 // announced before the update stored version 1
	if diff := cmp.Diff([]registry.File{announced}, fx.announcer.sent); diff != "" {
		t.Errorf("announcements (-want +got):\n%s", diff)
	}

	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrAlreadyConfirmed) {
		t.Errorf("second ConfirmUpload = %v, want ErrAlreadyConfirmed", err)
	}
	if len(fx.announcer.sent) != 1 {
		t.Errorf("%d announcements after a repeated confirmation, want 1", len(fx.announcer.sent))
	}
	url, err := fx.reg.DownloadURL(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://storage.test/get/file-1/etag-hello?expiry=1m0s"; url != want {
		t.Errorf("DownloadURL = %q, want %q", url, want)
	}

	// An upload after the confirmation stays staged: the file, and what
	// downloads read, do not change.
	fx.storage.upload(up.FileID, "HELLO")
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrAlreadyConfirmed) {
		t.Errorf("ConfirmUpload after another upload = %v, want ErrAlreadyConfirmed", err)
	}
	if url2, err := fx.reg.DownloadURL(ctx, up.FileID); err != nil || url2 != url {
		t.Errorf("DownloadURL after another upload = %q, %v; want %q", url2, err, url)
	}
}

// TestEmptyFileForm checks that an empty file's form allows one byte (a
// form cannot allow none) and that Commit then refuses the byte.
func TestEmptyFileForm(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	up, err := fx.reg.RequestUpload(ctx, "empty", 0)
	if err != nil {
		t.Fatal(err)
	}
	if up.Fields["max"] != "1" {
		t.Errorf("form of an empty file allows %s bytes, want 1", up.Fields["max"])
	}
	fx.storage.upload(up.FileID, "x")
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrSizeMismatch) {
		t.Errorf("ConfirmUpload of 1 byte for an empty file = %v, want ErrSizeMismatch", err)
	}
	fx.storage.upload(up.FileID, "")
	if f, err := fx.reg.ConfirmUpload(ctx, up.FileID); err != nil || f.ETag != "etag-" {
		t.Errorf("ConfirmUpload of the empty file = %+v, %v", f, err)
	}
}

func TestUnknownFile(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	if _, err := fx.reg.ConfirmUpload(ctx, "nope"); !errors.Is(err, registry.ErrUnknownFile) {
		t.Errorf("ConfirmUpload = %v, want ErrUnknownFile", err)
	}
	if _, err := fx.reg.DownloadURL(ctx, "nope"); !errors.Is(err, registry.ErrUnknownFile) {
		t.Errorf("DownloadURL = %v, want ErrUnknownFile", err)
	}
	if _, err := fx.reg.File(ctx, "nope"); !errors.Is(err, registry.ErrUnknownFile) {
		t.Errorf("File = %v, want ErrUnknownFile", err)
	}
}

func TestRequestUploadRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		file string
		size int64
		want error
	}{
		{"empty name", "", 1, registry.ErrInvalidName},
		{"long name", strings.Repeat("a", registry.MaxNameLength+1), 1, registry.ErrInvalidName},
		{"control character", "a\nb", 1, registry.ErrInvalidName},
		{"not utf-8", "a\xffb", 1, registry.ErrInvalidName},
		{"negative size", "a.txt", -1, registry.ErrInvalidSize},
		{"too large", "a.txt", 1001, registry.ErrInvalidSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, registry.WithMaxSize(1000))
			if _, err := fx.reg.RequestUpload(context.Background(), tt.file, tt.size); !errors.Is(err, tt.want) {
				t.Errorf("RequestUpload(%q, %d) = %v, want %v", tt.file, tt.size, err, tt.want)
			}
			if len(fx.records.files) != 0 {
				t.Errorf("a rejected request left records: %v", fx.records.files)
			}
		})
	}
	fx := newFixture(t, registry.WithMaxSize(1000))
	for _, size := range []int64{0, 1000} {
		if _, err := fx.reg.RequestUpload(context.Background(), "ünïcode name.txt", size); err != nil {
			t.Errorf("RequestUpload of %d bytes: %v", size, err)
		}
	}
}

func TestConfirmSizeMismatch(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	up, err := fx.reg.RequestUpload(ctx, "a.txt", 3)
	if err != nil {
		t.Fatal(err)
	}
	fx.storage.upload(up.FileID, "four")
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrSizeMismatch) {
		t.Fatalf("ConfirmUpload = %v, want ErrSizeMismatch", err)
	}
	// The client may upload again to the same URL and confirm.
	fx.storage.upload(up.FileID, "abc")
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); err != nil {
		t.Fatalf("ConfirmUpload after a corrected upload: %v", err)
	}
	if len(fx.announcer.sent) != 1 {
		t.Errorf("%d announcements, want 1", len(fx.announcer.sent))
	}
}

// TestAnnounceFailureKeepsFilePending checks that a file is never available
// without its announcement: the caller retries and the event goes out then.
func TestAnnounceFailureKeepsFilePending(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	up, _ := fx.reg.RequestUpload(ctx, "a.txt", 1)
	fx.storage.upload(up.FileID, "x")
	boom := errors.New("broker down")
	fx.announcer.err = boom
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, boom) {
		t.Fatalf("ConfirmUpload = %v, want it to wrap %v", err, boom)
	}
	if f, _ := fx.reg.File(ctx, up.FileID); f.State != registry.Pending {
		t.Errorf("state after a failed announcement = %s, want pending", f.State)
	}
	fx.announcer.err = nil
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); err != nil {
		t.Fatalf("retried ConfirmUpload: %v", err)
	}
	if len(fx.announcer.sent) != 1 {
		t.Errorf("%d announcements, want 1", len(fx.announcer.sent))
	}
}

// TestConcurrentConfirmation lets another confirmation store the record
// between this one's read and update: this one reports ErrAlreadyConfirmed.
func TestConcurrentConfirmation(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	up, _ := fx.reg.RequestUpload(ctx, "a.txt", 1)
	fx.storage.upload(up.FileID, "x")
	fx.records.beforeUpdate = func() {
		fx.records.beforeUpdate = nil
		if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); err != nil {
			t.Errorf("the concurrent ConfirmUpload: %v", err)
		}
	}
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); !errors.Is(err, registry.ErrAlreadyConfirmed) {
		t.Fatalf("ConfirmUpload that lost the race = %v, want ErrAlreadyConfirmed", err)
	}
	if f, _ := fx.reg.File(ctx, up.FileID); f.State != registry.Available || f.Version != 1 {
		t.Errorf("record = %+v, want available at version 1", f)
	}
}

func TestContextErrorsUnwrapped(t *testing.T) {
	fx := newFixture(t)
	up, _ := fx.reg.RequestUpload(context.Background(), "a.txt", 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fx.reg.ConfirmUpload(ctx, up.FileID); err != context.Canceled {
		t.Errorf("ConfirmUpload on a canceled context = %v, want context.Canceled itself", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	r, s, a := &memRecords{}, &memStorage{}, &memAnnouncer{}
	for name, opt := range map[string]registry.Option{
		"negative max size": registry.WithMaxSize(-1),
		"short expiry":      registry.WithURLExpiry(time.Millisecond),
		"nil ids":           registry.WithIDs(nil),
		"nil clock":         registry.WithClock(nil),
	} {
		if _, err := registry.New(r, s, a, opt); err == nil {
			t.Errorf("New with %s succeeded", name)
		}
	}
	if _, err := registry.New(nil, s, a); err == nil {
		t.Error("New without a records port succeeded")
	}
}
