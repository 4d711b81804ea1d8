// A unique index on a field of another document type.
package main

import (
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	. "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"
)

// want: cannot use dao\.WithUnique\(UserEmail\) \(value of func type dao\.Option\[docs\.User\]\) as dao\.Option\[docs\.Order\] value in argument to memdao\.New\[Order, string\]
func main() {
	_, _ = memdao.New[Order, string](dao.WithUnique(UserEmail))
}
