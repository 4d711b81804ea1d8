// Package wiring builds a service's protocol implementations from its
// configuration, so that moving a service from the in-memory providers to
// the real servers is an edit of its YAML file or environment, not of its
// code. It imports every provider; services import it only in the one
// package that assembles them (their "app"), and their domain and
// translators keep seeing events, dao and objstore alone.
//
// A service embeds the configuration sections it needs in its
// configuration struct and loads it with package config:
//
//	type Config struct {
//		wiring.Service  // service_name, service_instance_id
//		wiring.Events   // events_backend: memory | kafka; kafka_servers, ...
//		wiring.DAO      // dao_backend: memory | mongo; mongo_dsn, db_name, ...
//		wiring.ObjStore // objstore_backend: memory | s3; s3_endpoint_url, ...
//		Topic string    // the service's own settings
//	}
//	cfg, err := config.Load("my_service", Config{Service: wiring.DefaultService("my-service")})
//	b, err := wiring.Open(ctx, cfg.Service, wiring.WithEvents(cfg.Events),
//		wiring.WithDAO(cfg.DAO), wiring.WithObjStore(cfg.ObjStore))
//	defer b.Close(ctx)
//	pub, err := wiring.NewPublisher[OrderPlaced](b.Events, cfg.Topic)
//	orders, err := wiring.NewDAO[Order, string](ctx, b.DB, "orders")
//	store := b.Store
//
// The keys of the sections are those of Python hexkit's KafkaConfig,
// MongoDbConfig and S3Config where the setting exists there
// (kafka_servers, kafka_security_protocol, kafka_ssl_cafile, the failure
// keys kafka_max_retries, kafka_retry_backoff, kafka_enable_dlq and
// kafka_dlq_topic ([Events.FailureOptions]), generate_correlation_id,
// mongo_dsn,
// db_name, mongo_timeout, s3_endpoint_url, s3_access_key_id,
// s3_secret_access_key, ...), so a Python service's deployment
// configuration carries over; the backend selectors (events_backend,
// dao_backend, objstore_backend, each defaulting to memory) and the few
// settings Python does not have are hexkit-go's own. Every section
// validates itself ([config.Validator]): a Kafka backend without
// kafka_servers, for example, is reported by config.Load together with
// every other problem. The Kafka settings that kafka.Open would refuse
// (kafka_max_message_size, kafka_compression_type, kafka_sasl_mechanism)
// are refused whatever the backend, so a configuration that loads for the
// memory broker also opens on Kafka.
//
// # Memory backends
//
// The in-memory providers live in the process: the memory broker starts
// without topics ([Broker.EnsureTopics] creates them whatever its create
// argument), the memory DAOs start empty, and the memory object store
// serves its presigned URLs on a loopback port while it is open.
//
// # Readiness
//
// Every handle has Ready(ctx) error: the broker, database and store answer
// a round trip, and a subscriber made by [Broker.NewSubscriber] is ready
// once its Run has joined its consumer group. Package runner asks
// components for it.
package wiring
