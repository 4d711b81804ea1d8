package translators

import (
	"context"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
)

// Topic is the default topic of the registry's events.
const Topic = "file_registrations"

// FileRegistered announces a file whose bytes are stored and can be
// downloaded. It travels keyed by the file id.
type FileRegistered struct {
	FileID string `json:"file_id"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag"`
}

// EventType names the event on the wire.
func (FileRegistered) EventType() string { return "file_registered" }

// Announcer implements registry.Announcer by publishing FileRegistered
// events. The correlation id in ctx travels on the event.
type Announcer struct {
	pub events.Publisher[FileRegistered]
}

var _ registry.Announcer = (*Announcer)(nil)

// NewAnnouncer returns an Announcer that publishes through pub, which a
// provider built for the registry's topic (memevents.NewPublisher,
// kafka.NewPublisher).
func NewAnnouncer(pub events.Publisher[FileRegistered]) *Announcer {
	return &Announcer{pub: pub}
}

// FileRegistered implements registry.Announcer; it returns once the
// transport acknowledged the event.
func (a *Announcer) FileRegistered(ctx context.Context, f registry.File) error {
	return a.pub.Publish(ctx, f.ID, FileRegistered{FileID: f.ID, Name: f.Name, Size: f.Size, ETag: f.ETag})
}
