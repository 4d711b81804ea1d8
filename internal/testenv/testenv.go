// Package testenv connects hexkit's tests to the real servers that
// scripts/servers starts. Each server is found through an environment
// variable; when the variable is unset the test is skipped with a message
// naming it, unless HEXKIT_REQUIRE_SERVERS=1, when the test fails instead
// (CI sets it, so a missing server can never pass as a skip).
package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
)

// Environment variables read by this package. scripts/servers env prints
// them for the servers it started.
const (
	EnvRequireServers = "HEXKIT_REQUIRE_SERVERS"
	EnvKafkaBrokers   = "HEXKIT_KAFKA_BROKERS"
	EnvMongoURI       = "HEXKIT_MONGO_URI"
	EnvS3Endpoint     = "HEXKIT_S3_ENDPOINT"
	EnvS3AccessKey    = "HEXKIT_S3_ACCESS_KEY"
	EnvS3SecretKey    = "HEXKIT_S3_SECRET_KEY"
	EnvS3Region       = "HEXKIT_S3_REGION"
	EnvRedisAddr      = "HEXKIT_REDIS_ADDR"
	EnvRedisPassword  = "HEXKIT_REDIS_PASSWORD"
)

// RequireServers reports whether HEXKIT_REQUIRE_SERVERS=1 is set, that is
// whether a missing server fails tests rather than skipping them.
func RequireServers() bool { return os.Getenv(EnvRequireServers) == "1" }

// Lookup returns the value of the environment variable name. When it is
// unset or empty, Lookup skips tb with a message naming the variable, or
// fails tb when [RequireServers] is true.
func Lookup(tb testing.TB, name, server string) string {
	tb.Helper()
	v := strings.TrimSpace(os.Getenv(name))
	if v != "" {
		return v
	}
	msg := server + " not configured: set " + name + " (scripts/servers up; eval \"$(scripts/servers env)\")"
	if RequireServers() {
		tb.Fatalf("%s; %s=1 forbids skipping", msg, EnvRequireServers)
	}
	tb.Skip(msg)
	return ""
}

// KafkaBrokers returns the seed brokers of the real Apache Kafka broker
// from HEXKIT_KAFKA_BROKERS (comma separated).
func KafkaBrokers(tb testing.TB) []string {
	tb.Helper()
	var brokers []string
	for b := range strings.SplitSeq(Lookup(tb, EnvKafkaBrokers, "Apache Kafka"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			brokers = append(brokers, b)
		}
	}
	return brokers
}

// MongoURI returns the connection string of the MongoDB-compatible server
// from HEXKIT_MONGO_URI.
func MongoURI(tb testing.TB) string {
	tb.Helper()
	return Lookup(tb, EnvMongoURI, "MongoDB server")
}

// Redis describes the Redis server found in the environment.
type Redis struct {
	Addr     string // host:port
	Password string
}

// RedisServer returns the Redis server from HEXKIT_REDIS_ADDR and
// HEXKIT_REDIS_PASSWORD.
func RedisServer(tb testing.TB) Redis {
	tb.Helper()
	return Redis{
		Addr:     Lookup(tb, EnvRedisAddr, "Redis server"),
		Password: Lookup(tb, EnvRedisPassword, "Redis server"),
	}
}

// S3 describes the S3-compatible server found in the environment.
type S3 struct {
	Endpoint  string // host:port, without a scheme
	AccessKey string
	SecretKey string
	Region    string // us-east-1 unless HEXKIT_S3_REGION says otherwise
}

// S3Server returns the S3-compatible server from HEXKIT_S3_ENDPOINT,
// HEXKIT_S3_ACCESS_KEY, HEXKIT_S3_SECRET_KEY and HEXKIT_S3_REGION.
func S3Server(tb testing.TB) S3 {
	tb.Helper()
	s := S3{
		Endpoint:  Lookup(tb, EnvS3Endpoint, "S3 server"),
		AccessKey: Lookup(tb, EnvS3AccessKey, "S3 server"),
		SecretKey: Lookup(tb, EnvS3SecretKey, "S3 server"),
		Region:    os.Getenv(EnvS3Region),
	}
	s.Endpoint = strings.TrimPrefix(strings.TrimPrefix(s.Endpoint, "http://"), "https://")
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	return s
}

// nameUnsafe matches the runs of characters that UniqueName replaces by one
// '-': everything but lower-case letters and digits.
var nameUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// maxNameBase bounds the readable part of a [UniqueName].
const maxNameBase = 40

// UniqueName returns a name that is unique to this test run, for tests
// and test helpers that share a server: prefix, then the end of the
// test's name (where its subtests are named), each lower-cased with every
// run of characters other than a-z and 0-9 turned into one '-', cut to 40
// characters together, then '-' and 12 random hex digits. The name has at
// most 53 characters of a-z, 0-9 and '-' and starts and ends with a letter
// or digit, so it is valid as a Kafka topic or consumer group, a MongoDB
// database or collection and an S3 bucket name.
//
// It is the one unique-name helper of hexkit's tests: the conformance
// suites and kafkatest use it too, so it depends on the standard library
// only.
func UniqueName(tb testing.TB, prefix string) string {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	clean := func(s string) string {
		return strings.Trim(nameUnsafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	}
	base := clean(prefix)
	if len(base) > maxNameBase {
		base = strings.TrimRight(base[:maxNameBase], "-")
	}
	test := clean(tb.Name())
	if room := maxNameBase - len(base) - 1; len(test) > room {
		test = strings.TrimLeft(test[len(test)-max(room, 0):], "-")
	}
	switch {
	case base == "":
		base = test
	case test != "":
		base += "-" + test
	}
	if base == "" {
		base = "test"
	}
	return base + "-" + hex.EncodeToString(b[:])
}
