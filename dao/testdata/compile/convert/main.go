// Converting a filter to another document type.
package main

import (
	"github.com/hexkit-go/hexkit/dao"
	. "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"
)

// want: cannot convert UserAge\.Gte\(1\) \(value of struct type dao\.Filter\[docs\.User\]\) to type dao\.Filter\[docs\.Order\]
func main() {
	_, _ = Orders.Count(Ctx, dao.Filter[Order](UserAge.Gte(1)))
}
