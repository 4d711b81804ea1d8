package s3

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/objstore"
)

// Config says how to reach an S3-compatible server. The secret key and the
// session token are [hexkit.Secret]s: printing, logging or JSON-encoding a
// Config never shows them.
type Config struct {
	// Endpoint is host[:port], without a scheme. Required.
	Endpoint string
	// Region is the region of the buckets; presigning needs it to sign
	// offline. Default "us-east-1".
	Region string
	// AccessKey and SecretKey are the static credentials. Required.
	AccessKey string
	SecretKey hexkit.Secret
	// SessionToken is for temporary credentials. Default none.
	SessionToken hexkit.Secret
	// PathStyle addresses buckets as endpoint/bucket rather than
	// bucket.endpoint; most self-hosted servers need it. Default false
	// (the client decides, virtual-host style for AWS).
	PathStyle bool
	// TLS connects with https. Default false (plain http).
	TLS bool
	// TLSConfig customizes TLS (a private CA, for example); used only with
	// TLS. Default: the system roots. It is not encoded as JSON.
	TLSConfig *tls.Config `json:"-"`
}

// DefaultRegion is the region of a Config that names none.
const DefaultRegion = "us-east-1"

func (c Config) region() string {
	if c.Region == "" {
		return DefaultRegion
	}
	return c.Region
}

func (c Config) check() error {
	switch {
	case c.Endpoint == "":
		return fmt.Errorf("%w: Endpoint is required", ErrInvalidConfig)
	case strings.Contains(c.Endpoint, "://"):
		return fmt.Errorf("%w: Endpoint %q must not have a scheme (set TLS instead)", ErrInvalidConfig, c.Endpoint)
	case c.AccessKey == "" || c.SecretKey.IsZero():
		return fmt.Errorf("%w: AccessKey and SecretKey are required", ErrInvalidConfig)
	}
	return nil
}

// Open returns a store on the server cfg describes, over a client it
// builds and owns: Close releases the client's connections. Open sends no
// request (the first call does), so a wrong address or refused credentials
// show on first use; ctx is not used today. A problem with cfg or opts
// wraps [ErrInvalidConfig] (and objstore.ErrInvalidOption for opts).
func Open(ctx context.Context, cfg Config, opts ...objstore.Option) (objstore.Store, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cl, tr, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	return newStore(&backend{c: cl, core: minio.Core{Client: cl}, owned: tr}, opts)
}

// New returns a store over a client the caller built and keeps owning:
// Close leaves it open. Give the client a Region: without one, the first
// presign for a bucket asks the server for its location. A nil client or
// an invalid option wraps [ErrInvalidConfig].
func New(client *minio.Client, opts ...objstore.Option) (objstore.Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: nil minio client", ErrInvalidConfig)
	}
	return newStore(&backend{c: client, core: minio.Core{Client: client}}, opts)
}

func newStore(d *backend, opts []objstore.Option) (objstore.Store, error) {
	s, err := objstore.New(d, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return s, nil
}

// newClient builds the client and transport of a checked cfg.
func newClient(cfg Config) (*minio.Client, *http.Transport, error) {
	tr, err := minio.DefaultTransport(cfg.TLS)
	if err != nil {
		return nil, nil, fmt.Errorf("s3: transport: %w", err)
	}
	if cfg.TLS && cfg.TLSConfig != nil {
		tr.TLSClientConfig = cfg.TLSConfig.Clone()
	}
	mopts := &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey.Reveal(), cfg.SessionToken.Reveal()),
		Secure:    cfg.TLS,
		Region:    cfg.region(),
		Transport: tr,
	}
	if cfg.PathStyle {
		mopts.BucketLookup = minio.BucketLookupPath
	}
	cl, err := minio.New(cfg.Endpoint, mopts)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: client for %s: %w", ErrInvalidConfig, cfg.Endpoint, err)
	}
	return cl, tr, nil
}
