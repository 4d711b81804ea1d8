package wiring

import (
	"errors"
	"os"

	"github.com/hexkit-go/hexkit/config"
)

// Service names the service and this instance of it, as Python hexkit's
// configuration does.
type Service struct {
	// ServiceName is the consumer group of the service's subscribers, the
	// first part of its Kafka client id and a log attribute. Required.
	ServiceName string `yaml:"service_name"`
	// ServiceInstanceID tells instances apart in client ids and logs.
	ServiceInstanceID string `yaml:"service_instance_id"`
}

// DefaultService returns the Service named name with the host name as
// instance id: the usual defaults to pass to config.Load.
func DefaultService(name string) Service {
	host, _ := os.Hostname()
	return Service{ServiceName: name, ServiceInstanceID: host}
}

// Validate implements config.Validator.
func (s Service) Validate() error {
	if s.ServiceName == "" {
		return config.Invalid("service_name", "must not be empty")
	}
	return nil
}

var errUnknownBackend = errors.New("unknown backend")
