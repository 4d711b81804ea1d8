// And over filters of two document types.
package main

import (
	"github.com/hexkit-go/hexkit/dao"
	. "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"
)

// want: type dao\.Filter\[docs\.Order\] of OrderTotal\.Gt\(2\) does not match inferred type dao\.Filter\[docs\.User\] for dao\.Filter\[T\]
func main() {
	_, _ = Users.Count(Ctx, dao.And(UserAge.Gte(1), OrderTotal.Gt(2)))
}
