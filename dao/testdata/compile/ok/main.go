// The typed API used as intended compiles.
package main

import (
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	. "github.com/hexkit-go/hexkit/dao/testdata/compile/docs"
)

func main() {
	_, _ = memdao.New[User, string](dao.WithUnique(UserEmail), dao.WithVersionField(UserAge))
	_, _ = Users.Count(Ctx, dao.And(UserAge.Gte(18), UserName.In("Ada", "Alan")))
	_ = Users.Find(Ctx, UserEmail.Exists(true), dao.OrderBy(UserAge.Desc()).Limit(10), dao.Skip[User](1))
	_, _ = Orders.FindOne(Ctx, OrderTotal.Lt(9.5))
}
