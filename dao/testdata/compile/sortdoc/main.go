// A sort key of another document type.
package main

import (
	"github.com/hexkit-go/hexkit/dao"
	. "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"
)

// want: cannot use dao\.OrderBy\(UserAge\.Desc\(\)\) \(value of struct type dao\.FindOption\[docs\.User\]\) as dao\.FindOption\[docs\.Order\] value in argument to Orders\.Find
func main() {
	_ = Orders.Find(Ctx, dao.All[Order](), dao.OrderBy(UserAge.Desc()))
}
