// A value of the wrong type among In's values.
package main

import . "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"

// want: cannot use "x" \(untyped string constant\) as int value in argument to UserAge\.In
func main() {
	_, _ = Users.Count(Ctx, UserAge.In(1, "x"))
}
