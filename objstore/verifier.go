package objstore

import (
	"context"
	"sync"
	"sync/atomic"
)

// The verifier's chunks: a read holds at most verifyDepth chunks of
// verifyChunk bytes (2 MiB), the distance by which hashing may trail the
// transfer.
const (
	verifyChunk = 256 << 10
	verifyDepth = 8
)

// verifier hashes the bytes of a verified read in a goroutine of its own,
// so that hashing overlaps the transfer and a read runs at the speed of
// the slower of the two rather than of both in turn. The reader fills
// chunks with the bytes it returns and hands each full chunk over; the
// goroutine hashes chunks in order and gives them back. A read shorter
// than one chunk never starts the goroutine: finish hashes its bytes in
// place.
//
// The reader's goroutine calls its methods; stop may also come from
// another one (Close during a Read) and comes from the context's end. The
// hashing goroutine ends in finish or stop, whichever comes first; after
// either, the methods report false (or nil) and hash nothing.
type verifier struct {
	mu  sync.Mutex // held by every method, while it waits too
	ctx context.Context
	// unhook stops the context from stopping the goroutine.
	unhook func() bool

	e     etagHash   // the goroutine's while it runs
	pool  *sync.Pool // of *[]byte of verifyChunk bytes
	cur   *[]byte    // the chunk being filled
	fill  int
	out   int // chunks taken from the pool: at most verifyDepth
	todo  chan filledChunk
	free  chan *[]byte
	done  chan struct{}
	quit  atomic.Bool // tells the goroutine to drop what is left
	state verifierState
}

type verifierState uint8

const (
	idle    verifierState = iota // no goroutine yet
	running                      // the goroutine hashes what todo brings
	ended                        // finished or stopped
)

type filledChunk struct {
	b *[]byte
	n int
}

func newVerifier(ctx context.Context, partSize int64, pool *sync.Pool) *verifier {
	return &verifier{ctx: ctx, e: newEtagHash(partSize), pool: pool}
}

// chunk returns an empty chunk: one the goroutine gave back, a new one
// while fewer than verifyDepth are out, else the next one given back.
func (v *verifier) chunk() *[]byte {
	select {
	case b := <-v.free:
		return b
	default:
	}
	if v.out < verifyDepth {
		v.out++
		if b, ok := v.pool.Get().(*[]byte); ok {
			return b
		}
		b := make([]byte, verifyChunk)
		return &b
	}
	return <-v.free
}

// space returns the free end of the current chunk, never empty; nil once
// the verifier ended.
func (v *verifier) space() []byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.spaceLocked()
}

func (v *verifier) spaceLocked() []byte {
	if v.state == ended {
		return nil
	}
	if v.cur == nil {
		v.cur, v.fill = v.chunk(), 0
	}
	return (*v.cur)[v.fill:]
}

// commit counts n bytes written into space as read; a full chunk goes to
// the goroutine.
func (v *verifier) commit(n int) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.commitLocked(n)
}

func (v *verifier) commitLocked(n int) bool {
	if v.state == ended {
		return false
	}
	v.fill += n
	if v.fill == len(*v.cur) {
		v.send()
	}
	return true
}

// write copies b into chunks.
func (v *verifier) write(b []byte) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for len(b) > 0 {
		s := v.spaceLocked()
		if s == nil {
			return false
		}
		n := copy(s, b)
		v.commitLocked(n)
		b = b[n:]
	}
	return v.state != ended
}

// send hands the current chunk to the goroutine, starting it first; the
// end of the context then stops it, also when no Read or Close follows.
func (v *verifier) send() {
	if v.state == idle {
		v.todo = make(chan filledChunk, verifyDepth)
		v.free = make(chan *[]byte, verifyDepth)
		v.done = make(chan struct{})
		v.state = running
		go v.run()
		v.unhook = context.AfterFunc(v.ctx, v.stop)
	}
	v.todo <- filledChunk{v.cur, v.fill}
	v.cur, v.fill = nil, 0
}

// run hashes the chunks in order and gives them back; free has room for
// every chunk, so it never blocks.
func (v *verifier) run() {
	defer close(v.done)
	for c := range v.todo {
		if !v.quit.Load() {
			v.e.write((*c.b)[:c.n])
		}
		v.free <- c.b
	}
}

// finish hashes what is left, waits for the goroutine and returns the
// ETag and the number of bytes of the read; false once the verifier ended.
func (v *verifier) finish() (etag string, size int64, ok bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch v.state {
	case ended:
		return "", 0, false
	case running:
		if v.fill > 0 {
			v.send()
		}
		close(v.todo)
		<-v.done
		v.unhook()
	default:
		if v.cur != nil {
			v.e.write((*v.cur)[:v.fill])
		}
	}
	v.state = ended
	v.release()
	return v.e.sum(), v.e.n, true
}

// release puts the chunks back into the pool once the goroutine is done:
// the current one and all others, which wait in free.
func (v *verifier) release() {
	if v.cur != nil {
		v.pool.Put(v.cur)
		v.cur = nil
		v.out--
	}
	for ; v.out > 0; v.out-- {
		v.pool.Put(<-v.free)
	}
}

// stop ends the goroutine without hashing what is left. Its chunks are
// not put back: a Read of another goroutine may still write into the
// current one.
func (v *verifier) stop() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.state == running {
		v.quit.Store(true)
		close(v.todo)
		<-v.done
		v.unhook()
	}
	v.state = ended
}
