// A version field that is not an integer.
package main

import (
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	. "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"
)

// want: string does not satisfy int \| int32 \| int64 \| uint32
func main() {
	_, _ = memdao.New[User, string](dao.WithVersionField(UserName))
}
