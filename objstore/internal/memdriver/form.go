package memdriver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"net/textproto"
	"strings"
)

// errNoFile and errMalformed are what formParser reports for a form
// without a file part and for a body that is no form.
var (
	errNoFile    = errors.New("no file part")
	errMalformed = errors.New("malformed form")
)

// formParser reads a multipart/form-data body as versitygw does, which
// differs from mime/multipart: field names are compared in lower case
// (a later field replaces an earlier one of the same name); the first
// part named "file", or with a filename, is the file, and the file is
// every byte after its headers up to the first "\r\n--boundary--\r\n",
// so parts after it are file content; a form that ends before a file part
// has none. Every line of the framing ends in CRLF.
type formParser struct {
	br       *bufio.Reader
	boundary string
}

func newFormParser(r io.Reader, boundary string) *formParser {
	return &formParser{br: bufio.NewReader(r), boundary: boundary}
}

// line reads one CRLF-terminated line, returning it without and with its
// CRLF.
func (p *formParser) line() (string, []byte, error) {
	s, err := p.br.ReadString('\n')
	if err != nil || !strings.HasSuffix(s, "\r\n") {
		return "", nil, errMalformed
	}
	return strings.TrimSuffix(s, "\r\n"), []byte(s), nil
}

// fields reads the fields up to the file part; field is called with
// each field's lower-case name and value as it is read, and may stop the
// parse with an error. It returns once the file part's headers are read,
// leaving its bytes to file.
func (p *formParser) fields(field func(name, value string) error) error {
	if l, _, err := p.line(); err != nil || l != "--"+p.boundary {
		return errMalformed
	}
	for {
		name, isFile, err := p.partHeaders()
		if err != nil {
			return err
		}
		if isFile {
			return nil
		}
		value, err := p.value()
		if err != nil {
			return err
		}
		if err := field(name, value); err != nil {
			return err
		}
	}
}

// partHeaders reads a part's headers and returns its lower-case field
// name and whether it is the file.
func (p *formParser) partHeaders() (string, bool, error) {
	headers := map[string]string{}
	for {
		l, _, err := p.line()
		if err != nil {
			return "", false, err
		}
		if l == "" {
			break
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			return "", false, errMalformed
		}
		headers[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	cd, ok := headers["Content-Disposition"]
	if !ok {
		return "", false, errMalformed
	}
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || disp != "form-data" || params["name"] == "" {
		return "", false, errMalformed
	}
	name := strings.ToLower(params["name"])
	_, hasFilename := params["filename"]
	return name, name == fieldFile || hasFilename, nil
}

// value reads a field's value up to the next boundary line.
func (p *formParser) value() (string, error) {
	var buf bytes.Buffer
	for {
		l, raw, err := p.line()
		switch {
		case err != nil:
			return "", err
		case l == "--"+p.boundary:
			return string(bytes.TrimSuffix(buf.Bytes(), []byte("\r\n"))), nil
		case l == "--"+p.boundary+"--":
			return "", errNoFile
		}
		buf.Write(raw)
	}
}

// file reads the file: the bytes up to the final boundary, at most max of
// them. tooLarge reports a file with more than max bytes; a body that
// ends without the final boundary is errMalformed.
func (p *formParser) file(max int64) (data []byte, tooLarge bool, err error) {
	trailer := []byte("\r\n--" + p.boundary + "--\r\n")
	rest, err := io.ReadAll(io.LimitReader(p.br, max+int64(len(trailer))))
	if err != nil {
		return nil, false, err
	}
	if i := bytes.Index(rest, trailer); i >= 0 {
		return rest[:i], false, nil
	}
	if int64(len(rest)) < max+int64(len(trailer)) {
		return nil, false, errMalformed
	}
	return nil, true, nil
}
