package translators

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
)

// FileRecord is a file's document in the records collection.
type FileRecord struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Size        int64      `json:"size"`
	ETag        string     `json:"etag,omitempty"`
	State       string     `json:"state"`
	RequestedAt time.Time  `json:"requested_at"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	Version     int64      `json:"version"`
}

// recordVersion is FileRecord's version field.
var recordVersion = dao.MustField[FileRecord, int64]("version")

// RecordOptions are the options the DAO given to NewRecords must be built
// with: the version field turns on the optimistic concurrency that keeps two
// confirmations of one file from both succeeding.
func RecordOptions() []dao.Option[FileRecord] {
	return []dao.Option[FileRecord]{dao.WithVersionField(recordVersion)}
}

// Records implements registry.Records with a DAO of FileRecord documents.
type Records struct {
	dao dao.DAO[FileRecord, string]
}

var _ registry.Records = (*Records)(nil)

// NewRecords returns a Records over d, which must be built with
// RecordOptions.
func NewRecords(d dao.DAO[FileRecord, string]) *Records {
	return &Records{dao: d}
}

// Insert implements registry.Records.
func (r *Records) Insert(ctx context.Context, f registry.File) error {
	return mapDAOError(r.dao.Insert(ctx, toRecord(f)))
}

// Get implements registry.Records.
func (r *Records) Get(ctx context.Context, id string) (registry.File, error) {
	rec, err := r.dao.Get(ctx, id)
	if err != nil {
		return registry.File{}, mapDAOError(err)
	}
	return fromRecord(rec), nil
}

// Update implements registry.Records: the DAO checks the version and
// stores version+1.
func (r *Records) Update(ctx context.Context, f registry.File) error {
	_, err := r.dao.Update(ctx, toRecord(f))
	return mapDAOError(err)
}

func toRecord(f registry.File) FileRecord {
	rec := FileRecord{
		ID: f.ID, Name: f.Name, Size: f.Size, ETag: f.ETag, State: string(f.State),
		RequestedAt: f.RequestedAt, Version: f.Version,
	}
	if !f.ConfirmedAt.IsZero() {
		t := f.ConfirmedAt
		rec.ConfirmedAt = &t
	}
	return rec
}

func fromRecord(rec FileRecord) registry.File {
	f := registry.File{
		ID: rec.ID, Name: rec.Name, Size: rec.Size, ETag: rec.ETag, State: registry.State(rec.State),
		RequestedAt: rec.RequestedAt, Version: rec.Version,
	}
	if rec.ConfirmedAt != nil {
		f.ConfirmedAt = *rec.ConfirmedAt
	}
	return f
}

// mapDAOError maps the DAO's sentinels to the registry's; both stay in the
// chain. Context errors are returned as they are.
func mapDAOError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, dao.ErrNotFound):
		return fmt.Errorf("%w: %w", registry.ErrUnknownFile, err)
	case errors.Is(err, dao.ErrConflict):
		return fmt.Errorf("%w: %w", registry.ErrConflict, err)
	}
	return err
}
