// A value of the wrong type.
package main

import . "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"

// want: cannot use "18" \(untyped string constant\) as int value in argument to UserAge\.Gte
func main() {
	_, _ = Users.Count(Ctx, UserAge.Gte("18"))
}
