package memevents

import (
	"encoding/binary"

	"github.com/hexkit-go/hexkit/events/driver"
)

// partition is the log of one partition of a topic.
type partition struct {
	msgs    []*driver.Message // by offset
	arrived signal            // a message was appended: for its idle consumers
}

// signal wakes the goroutines waiting for one kind of change. Its channel
// is made only when someone waits, so a change nobody waits for costs
// nothing. It is guarded by b.mu.
type signal struct{ ch chan struct{} }

// wait returns a channel closed at the next fire.
func (s *signal) wait() <-chan struct{} {
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// fire wakes every waiter.
func (s *signal) fire() {
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// partitionFor returns the partition of key among n partitions, the way
// Kafka's default partitioner (and franz-go's) places a record with a
// non-null key: murmur2 of the key bytes, sign bit cleared, modulo n. So a
// key lands on the same partition number here and on a Kafka topic with as
// many partitions.
func partitionFor(key string, n int) int {
	if n == 1 {
		return 0
	}
	return int(murmur2([]byte(key))&0x7fffffff) % n
}

// murmur2 is the 32-bit MurmurHash2 variant Kafka uses, with its seed.
func murmur2(data []byte) uint32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	h := seed ^ uint32(len(data))
	n := len(data) &^ 3
	for i := 0; i < n; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:])
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	switch len(data) & 3 {
	case 3:
		h ^= uint32(data[n+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[n+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[n])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}
