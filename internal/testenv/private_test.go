package testenv

import (
	"net"
	"testing"
	"time"
)

func dialable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func TestPrivateFerretDBStopsAndStartsOnItsAddress(t *testing.T) {
	p := StartPrivateFerretDB(t)
	if !dialable(p.Addr) {
		t.Fatalf("private FerretDB at %s does not accept connections after Up", p.Addr)
	}
	if got, want := p.MongoURI(), "mongodb://"+p.Addr+"/"; got != want {
		t.Errorf("MongoURI() = %q, want %q", got, want)
	}
	p.Down(t)
	if dialable(p.Addr) {
		t.Fatalf("private FerretDB at %s still accepts connections after Down", p.Addr)
	}
	p.Up(t)
	if !dialable(p.Addr) {
		t.Fatalf("private FerretDB at %s does not accept connections after a second Up", p.Addr)
	}
}

func TestFreePortsAreDistinct(t *testing.T) {
	ports := FreePorts(t, 5)
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("FreePorts(5) = %v: want 5 distinct ports", ports)
		}
		seen[p] = true
	}
}
