package events

import (
	"crypto/rand"
	"sync"
)

// idsPerBatch is how many event ids publishers take from one read of
// crypto/rand and one allocation.
const idsPerBatch = 16

// uuidLen is the length of a UUID string.
const uuidLen = 36

// idBatch is a run of fresh event ids, formatted into one string, that
// one goroutine at a time takes from.
type idBatch struct {
	ids  string // idsPerBatch ids, uuidLen bytes each
	next int    // index of the next id not handed out
	rnd  [idsPerBatch * 16]byte
}

// idBatches holds the batches of ids between publishes. A batch belongs to
// the goroutine that took it until it is put back, so every id is handed
// out once; a batch that the pool drops is never used again.
var idBatches = sync.Pool{New: func() any { return new(idBatch) }}

// newEventIDFast returns a fresh event id, as [NewEventID] does, for a
// publisher's message. Its ids are substrings of a batch, so a retained id
// keeps the batch (under 600 bytes) alive: fine for ids that travel in
// messages, and the reason NewEventID, whose ids callers may keep, does
// not use it.
func newEventIDFast() string {
	b := idBatches.Get().(*idBatch)
	if b.next == len(b.ids)/uuidLen {
		b.refill()
	}
	id := b.ids[b.next*uuidLen : (b.next+1)*uuidLen]
	b.next++
	idBatches.Put(b)
	return id
}

// refill formats idsPerBatch new ids from crypto/rand.
func (b *idBatch) refill() {
	_, _ = rand.Read(b.rnd[:]) // never fails: crypto/rand.Read panics instead
	var buf [idsPerBatch * uuidLen]byte
	for i := range idsPerBatch {
		formatUUID4(buf[i*uuidLen:(i+1)*uuidLen], b.rnd[i*16:(i+1)*16])
	}
	clear(b.rnd[:]) // leave no used randomness behind
	b.ids = string(buf[:])
	b.next = 0
}

// formatUUID4 writes the UUID version 4 (RFC 4122 variant) made of the 16
// random bytes u into dst, in the canonical 36-character form.
func formatUUID4(dst, u []byte) {
	const hex = "0123456789abcdef"
	j := 0
	for i := range 16 {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst[j] = '-'
			j++
		}
		c := u[i]
		switch i {
		case 6:
			c = c&0x0f | 0x40 // version 4
		case 8:
			c = c&0x3f | 0x80 // RFC 4122 variant
		}
		dst[j], dst[j+1] = hex[c>>4], hex[c&0x0f]
		j += 2
	}
}
