// A filter of another document type.
package main

import . "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"

// want: cannot use UserAge\.Gte\(18\) \(value of struct type dao\.Filter\[docs\.User\]\) as dao\.Filter\[docs\.Order\] value in argument to Orders\.Count
func main() {
	_, _ = Orders.Count(Ctx, UserAge.Gte(18))
}
