package s3

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hexkit-go/hexkit/objstore"
)

// Config says how to reach an S3-compatible server. Its String, GoString
// and LogValue methods never print the secret key or session token.
type Config struct {
	// Endpoint is host[:port], without a scheme. Required.
	Endpoint string
	// Region is the region of the buckets; presigning needs it to sign
	// offline. Default "us-east-1".
	Region string
	// AccessKey and SecretKey are the static credentials. Required.
	AccessKey string
	SecretKey string
	// SessionToken is for temporary credentials. Default none.
	SessionToken string
	// PathStyle addresses buckets as endpoint/bucket rather than
	// bucket.endpoint; most self-hosted servers need it. Default false
	// (the client decides, virtual-host style for AWS).
	PathStyle bool
	// TLS connects with https. Default false (plain http).
	TLS bool
	// TLSConfig customizes TLS (a private CA, for example); used only with
	// TLS. Default: the system roots.
	TLSConfig *tls.Config
}

const redacted = "REDACTED"

// String describes the configuration with the secrets redacted.
func (c Config) String() string {
	secret := ""
	if c.SecretKey != "" {
		secret = redacted
	}
	return fmt.Sprintf("s3.Config{Endpoint: %q, Region: %q, AccessKey: %q, SecretKey: %q, PathStyle: %v, TLS: %v}",
		c.Endpoint, c.region(), c.AccessKey, secret, c.PathStyle, c.TLS)
}

// GoString is String, so that %#v redacts the secrets too.
func (c Config) GoString() string { return c.String() }

// LogValue logs the configuration without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.Endpoint), slog.String("region", c.region()),
		slog.String("access_key", c.AccessKey), slog.Bool("path_style", c.PathStyle), slog.Bool("tls", c.TLS))
}

func (c Config) region() string {
	if c.Region == "" {
		return "us-east-1"
	}
	return c.Region
}

// Client builds the minio-go client the configuration describes.
func (c Config) Client() (*minio.Client, error) {
	switch {
	case c.Endpoint == "":
		return nil, errors.New("s3: Config.Endpoint is required")
	case strings.Contains(c.Endpoint, "://"):
		return nil, fmt.Errorf("s3: Config.Endpoint %q must not have a scheme (set TLS instead)", c.Endpoint)
	case c.AccessKey == "" || c.SecretKey == "":
		return nil, errors.New("s3: Config.AccessKey and Config.SecretKey are required")
	}
	opts := &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, c.SessionToken),
		Secure: c.TLS,
		Region: c.region(),
	}
	if c.PathStyle {
		opts.BucketLookup = minio.BucketLookupPath
	}
	if c.TLS && c.TLSConfig != nil {
		tr, err := minio.DefaultTransport(true)
		if err != nil {
			return nil, fmt.Errorf("s3: transport: %w", err)
		}
		tr.TLSClientConfig = c.TLSConfig.Clone()
		opts.Transport = http.RoundTripper(tr)
	}
	cl, err := minio.New(c.Endpoint, opts)
	if err != nil {
		return nil, fmt.Errorf("s3: client for %s: %w", c.Endpoint, err)
	}
	return cl, nil
}

// Open builds a client from cfg and returns a store over it.
func Open(cfg Config, opts ...objstore.Option) (*objstore.Store, error) {
	cl, err := cfg.Client()
	if err != nil {
		return nil, err
	}
	return New(cl, opts...)
}

// New returns a store over a client the caller built. Give the client a
// Region: without one, the first presign for a bucket asks the server for
// its location.
func New(client *minio.Client, opts ...objstore.Option) (*objstore.Store, error) {
	d, err := NewDriver(client)
	if err != nil {
		return nil, err
	}
	return objstore.New(d, opts...)
}
