package translators_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
)

type fakes struct {
	docs    dao.DAO[translators.FileRecord, string]
	store   objstore.Store
	broker  *memevents.Broker
	records *translators.Records
	storage *translators.Storage
	reg     *registry.Registry
}

func newFakes(t *testing.T) *fakes {
	t.Helper()
	store := memobjstore.NewTest(t)
	if err := store.CreateBucket(context.Background(), "files"); err != nil {
		t.Fatal(err)
	}
	return newFakesOn(t, store, "files")
}

// newFakesOn is newFakes with the files in bucket of store.
func newFakesOn(t *testing.T, store objstore.Store, bucket string) *fakes {
	t.Helper()
	docs, err := memdao.New[translators.FileRecord, string](translators.RecordOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	broker, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broker.Close() })

	f := &fakes{docs: docs, store: store, broker: broker, records: translators.NewRecords(docs)}
	if f.storage, err = translators.NewStorage(store, bucket); err != nil {
		t.Fatal(err)
	}
	if err := broker.CreateTopic(translators.Topic, 1); err != nil {
		t.Fatal(err)
	}
	pub, err := memevents.NewPublisher[translators.FileRegistered](broker, translators.Topic)
	if err != nil {
		t.Fatal(err)
	}
	announcer := translators.NewAnnouncer(pub)
	if f.reg, err = registry.New(f.records, f.storage, announcer); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTranslatorsOnFakes runs the domain core through the three
// translators on hexkit's fakes and checks what lands in each: the
// document, the object (moved by plain HTTP through the presigned URLs) and
// the event on the wire.
func TestTranslatorsOnFakes(t *testing.T) {
	fx := newFakes(t)
	cid := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(context.Background(), cid)
	content := "a small file\n"

	up, err := fx.reg.RequestUpload(ctx, "notes.txt", int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := fx.docs.Get(ctx, up.FileID)
	if err != nil {
		t.Fatalf("no document after RequestUpload: %v", err)
	}
	if doc.State != "pending" || doc.Name != "notes.txt" || doc.ConfirmedAt != nil {
		t.Errorf("pending document = %+v", doc)
	}

	uploadOK(t, up, content)
	f, err := fx.reg.ConfirmUpload(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	info, err := fx.store.Stat(ctx, "files", "file."+up.FileID+"."+f.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if f.ETag != info.ETag || f.Size != info.Size {
		t.Errorf("confirmed file has size %d etag %s, the object %d %s", f.Size, f.ETag, info.Size, info.ETag)
	}

	doc, err = fx.docs.Get(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.State != "available" || doc.ETag != info.ETag || doc.Version != 1 || doc.ConfirmedAt == nil {
		t.Errorf("available document = %+v", doc)
	}

	msgs := fx.broker.Messages(translators.Topic)
	if len(msgs) != 1 {
		t.Fatalf("%d messages on %s, want 1", len(msgs), translators.Topic)
	}
	m := msgs[0]
	var payload map[string]any
	if err := json.Unmarshal(m.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	wantPayload := map[string]any{"file_id": up.FileID, "name": "notes.txt", "size": float64(len(content)), "etag": info.ETag}
	if m.Type != "file_registered" || m.Key != up.FileID || m.CorrelationID != cid {
		t.Errorf("event type %s key %s correlation %s; want file_registered %s %s", m.Type, m.Key, m.CorrelationID, up.FileID, cid)
	}
	if diff := cmp.Diff(wantPayload, payload); diff != "" {
		t.Errorf("event payload (-want +got):\n%s", diff)
	}

	url, err := fx.reg.DownloadURL(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, got := httpGet(t, url); status != http.StatusOK || got != content {
		t.Errorf("downloaded %d %q, want 200 %q", status, got, content)
	}
}

func TestTranslatorsMapErrors(t *testing.T) {
	fx := newFakes(t)
	ctx := context.Background()

	_, err := fx.records.Get(ctx, "missing")
	if !errors.Is(err, registry.ErrUnknownFile) || !errors.Is(err, dao.ErrNotFound) {
		t.Errorf("Records.Get of a missing id = %v, want ErrUnknownFile and dao.ErrNotFound", err)
	}
	f := registry.File{ID: "f1", Name: "a", State: registry.Pending, RequestedAt: time.Now()}
	if err := fx.records.Insert(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := fx.records.Update(ctx, f); err != nil {
		t.Fatal(err)
	}
	err = fx.records.Update(ctx, f) // still version 0; stored is 1
	if !errors.Is(err, registry.ErrConflict) || !errors.Is(err, dao.ErrConflict) {
		t.Errorf("stale Records.Update = %v, want ErrConflict and dao.ErrConflict", err)
	}
	err = fx.records.Update(ctx, registry.File{ID: "f2", Name: "b"})
	if !errors.Is(err, registry.ErrUnknownFile) {
		t.Errorf("Records.Update of a missing id = %v, want ErrUnknownFile", err)
	}

	_, err = fx.storage.Commit(ctx, "no-such-object", 1)
	if !errors.Is(err, registry.ErrUploadMissing) || !errors.Is(err, objstore.ErrObjectNotFound) {
		t.Errorf("Storage.Commit of a missing upload = %v, want ErrUploadMissing and ErrObjectNotFound", err)
	}
	if _, err := translators.NewStorage(fx.store, "Not A Bucket"); !errors.Is(err, objstore.ErrInvalidID) {
		t.Errorf("NewStorage with a bad bucket id = %v, want objstore.ErrInvalidID", err)
	}
	if _, err := memevents.NewPublisher[translators.FileRegistered](fx.broker, ""); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("a publisher for the announcer with an empty topic = %v, want events.ErrInvalidMessage", err)
	}
}

// TestUploadFormIsBoundToTheFile checks that a presigned upload form cannot
// be bent to write another object, a committed one least of all.
func TestUploadFormIsBoundToTheFile(t *testing.T) {
	fx := newFakes(t)
	ctx := context.Background()
	up, err := fx.reg.RequestUpload(ctx, "a.txt", 1)
	if err != nil {
		t.Fatal(err)
	}
	uploadOK(t, up, "x")
	f, err := fx.reg.ConfirmUpload(ctx, up.FileID)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"upload.someone-elses-file", "file." + f.ID + "." + f.ETag} {
		bent := up
		bent.Fields = maps.Clone(up.Fields)
		bent.Fields["key"] = key
		if status, err := upload(bent, strings.NewReader("y"), 1); err != nil || status != http.StatusForbidden {
			t.Errorf("upload form bent to %s: %d, %v; want 403", key, status, err)
		}
	}
}

// uploadOK uploads content with up and fails the test unless the storage
// accepts it.
func uploadOK(t *testing.T, up registry.Upload, content string) {
	t.Helper()
	if status, err := upload(up, strings.NewReader(content), int64(len(content))); err != nil || status/100 != 2 {
		t.Fatalf("upload of %d bytes = %d, %v; want success", len(content), status, err)
	}
}

// httpGet downloads url and returns the status, the ETag without quotes
// and the body.
func httpGet(t *testing.T, url string) (status int, etag, body string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.Trim(resp.Header.Get("ETag"), `"`), string(got)
}
