package runner

import (
	"errors"
	"time"

	"github.com/hexkit-go/hexkit/config"
)

// Config is the runner's configuration section for package config: a
// service embeds it in its configuration struct and passes
// Config.Options to [New].
type Config struct {
	// HealthAddr serves /livez and /readyz on this address
	// ([WithHealthAddr]). Default "": not served.
	HealthAddr string `yaml:"health_addr"`
	// DrainTimeout bounds the graceful stop ([WithDrainTimeout]); a
	// number is seconds. Default 0: the runner's default, 30s.
	DrainTimeout time.Duration `yaml:"drain_timeout"`
}

// Validate implements config.Validator.
func (c Config) Validate() error {
	var errs []error
	if c.DrainTimeout < 0 {
		errs = append(errs, config.Invalid("drain_timeout", "must not be negative"))
	}
	return errors.Join(errs...)
}

// Options returns the options the section sets.
func (c Config) Options() []Option {
	var opts []Option
	if c.HealthAddr != "" {
		opts = append(opts, WithHealthAddr(c.HealthAddr))
	}
	if c.DrainTimeout > 0 {
		opts = append(opts, WithDrainTimeout(c.DrainTimeout))
	}
	return opts
}
