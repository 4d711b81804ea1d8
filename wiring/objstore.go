package wiring

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
	"github.com/hexkit-go/hexkit/s3"
)

// ObjStore is the configuration section of the objstore protocol.
type ObjStore struct {
	// ObjStoreBackend is memory (default) or s3.
	ObjStoreBackend string `yaml:"objstore_backend"`
	// S3EndpointURL is the server's URL: http://host:port, or https:// for
	// TLS (a bare host:port is http). Required by s3.
	S3EndpointURL string `yaml:"s3_endpoint_url"`
	// S3AccessKeyID and S3SecretAccessKey are the static credentials.
	// Required by s3.
	S3AccessKeyID     string        `yaml:"s3_access_key_id"`
	S3SecretAccessKey hexkit.Secret `yaml:"s3_secret_access_key"`
	// S3SessionToken is for temporary credentials. Default none.
	S3SessionToken hexkit.Secret `yaml:"s3_session_token"`
	// S3Region is the buckets' region. Default us-east-1.
	S3Region string `yaml:"s3_region"`
	// S3PathStyle addresses buckets as endpoint/bucket. Default false: the
	// client decides.
	S3PathStyle bool `yaml:"s3_path_style"`
}

// Validate implements config.Validator.
func (o ObjStore) Validate() error {
	var errs []error
	switch o.ObjStoreBackend {
	case "", Memory:
	case S3:
		if _, _, err := o.endpoint(); err != nil {
			errs = append(errs, config.Invalid("s3_endpoint_url", "%v", err))
		}
		if o.S3AccessKeyID == "" {
			errs = append(errs, config.Invalid("s3_access_key_id", "the s3 backend needs an access key id"))
		}
		if o.S3SecretAccessKey.IsZero() {
			errs = append(errs, config.Invalid("s3_secret_access_key", "the s3 backend needs a secret access key"))
		}
	default:
		errs = append(errs, config.Invalid("objstore_backend", "%w %q (want memory or s3)", errUnknownBackend, o.ObjStoreBackend))
	}
	return errors.Join(errs...)
}

// endpoint splits S3EndpointURL into host:port and whether it is https.
func (o ObjStore) endpoint() (host string, tls bool, err error) {
	raw := strings.TrimSpace(o.S3EndpointURL)
	if raw == "" {
		return "", false, errors.New("the s3 backend needs an endpoint URL")
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false, fmt.Errorf("%q is not http(s)://host[:port]", o.S3EndpointURL)
	}
	return u.Host, u.Scheme == "https", nil
}

// S3Config returns the s3.Config the section describes.
func (o ObjStore) S3Config() (s3.Config, error) {
	host, tls, err := o.endpoint()
	if err != nil {
		return s3.Config{}, fmt.Errorf("%w: s3_endpoint_url: %w", s3.ErrInvalidConfig, err)
	}
	return s3.Config{
		Endpoint: host, TLS: tls, Region: o.S3Region, PathStyle: o.S3PathStyle,
		AccessKey: o.S3AccessKeyID, SecretKey: o.S3SecretAccessKey, SessionToken: o.S3SessionToken,
	}, nil
}

// OpenStore opens the object store cfg names: S3, or a memory store that
// serves its presigned URLs on a loopback port until it is closed. It does
// not check cfg; config.Load does.
func OpenStore(ctx context.Context, cfg ObjStore) (objstore.Store, error) {
	switch cfg.ObjStoreBackend {
	case "", Memory:
		return memobjstore.New()
	case S3:
		c, err := cfg.S3Config()
		if err != nil {
			return nil, err
		}
		return s3.Open(ctx, c)
	}
	return nil, fmt.Errorf("wiring: objstore_backend: %w %q", errUnknownBackend, cfg.ObjStoreBackend)
}

// readyProbeBucket is the bucket whose existence StoreReady asks about: a
// round trip that needs no bucket of the service's.
const readyProbeBucket = "hexkit-ready-probe"

// StoreReady returns nil when the store answers a request.
func StoreReady(ctx context.Context, s objstore.Store) error {
	if _, err := s.BucketExists(ctx, readyProbeBucket); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %w", ErrNotReady, err)
	}
	return nil
}

// EnsureBucket makes sure the bucket exists: when it is missing it is
// created if create is set, else an error wrapping objstore.ErrBucketNotFound says so at
// start rather than in a client's hands.
func EnsureBucket(ctx context.Context, s objstore.Store, bucket string, create bool) error {
	ok, err := s.BucketExists(ctx, bucket)
	switch {
	case err != nil:
		return fmt.Errorf("wiring: checking bucket %s: %w", bucket, err)
	case ok:
		return nil
	case !create:
		return fmt.Errorf("wiring: %w: bucket %s does not exist (create it, or let the service create it)", objstore.ErrBucketNotFound, bucket)
	}
	if err := s.CreateBucket(ctx, bucket); err != nil && !errors.Is(err, objstore.ErrBucketExists) {
		return fmt.Errorf("wiring: creating bucket %s: %w", bucket, err)
	}
	return nil
}
