package memdao_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

var (
	personEmail = dao.MustField[daotest.Person, string]("email")
	personAge   = dao.MustField[daotest.Person, int]("age")
)

func loadedBench(b *testing.B, n int) dao.DAO[daotest.Person, string] {
	b.Helper()
	d, err := memdao.New[daotest.Person, string](dao.WithUnique(personEmail))
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		p := daotest.Person{ID: fmt.Sprintf("p%06d", i), Email: fmt.Sprintf("e%d", i), Age: i % 100, Tags: []string{"a"}}
		if err := d.Insert(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
	return d
}

func BenchmarkInsertUnique(b *testing.B) {
	d := loadedBench(b, 10000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := d.Insert(b.Context(), daotest.Person{ID: fmt.Sprintf("n%d", i), Email: fmt.Sprintf("n%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	d := loadedBench(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Get(b.Context(), "p005000"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind100(b *testing.B) {
	d := loadedBench(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range d.Find(b.Context(), personAge.Eq(42)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100 {
			b.Fatalf("found %d, want 100", n)
		}
	}
}
