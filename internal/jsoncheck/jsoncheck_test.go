package jsoncheck

import "testing"

func TestCheck(t *testing.T) {
	for in, ok := range map[string]bool{
		`{"a":1,"b":[1,2.5,-3e4,{"c":"x.y$"}],"d":null}`: true,
		`"$dollar.dot"`:                         true,
		`9223372036854775807`:                   true,
		`-9223372036854775808`:                  true,
		`1e30`:                                  true,
		`{"a\"b":"c"}`:                          true,
		`[9223372036854775808]`:                 false,
		`{"$x":1}`:                              false,
		`{"a":{"b.c":1}}`:                       false,
		`{"a\u0000":1}`:                         false,
		`{"\u0024x":1}`:                         false,
		`{"a" : {"ok": ["x", {"bad.key" :1}]}}`: false,
		`{`:                                     false,
		`{"a":1,"a":2}`:                         false,
		`{"a":{"b":1,"b":2}}`:                   false,
		`{"a":1,"\u0061":2}`:                    false,
		`{"a":{"b":1},"c":{"b":2},"b":3}`:       true,
		`[{"a":1},{"a":2}]`:                     true,
		`{"a":1e400}`:                           false,
		`-1e400`:                                false,
		`1e-400`:                                true,
		"\"\xff\"":                              false,
	} {
		if err := Check([]byte(in)); (err == nil) != ok {
			t.Errorf("Check(%s) = %v, want ok=%v", in, err, ok)
		}
	}
}
