// Package config loads a service's typed configuration from defaults, a
// YAML file, dotenv files and environment variables, with the file and
// variable names of Python hexkit's config_from_yaml, so that a Python
// service's deployment configuration carries over to a Go service.
//
// A service declares its configuration as a struct whose initial value
// holds the defaults, and calls [Load] with its prefix:
//
//	type Config struct {
//		ServiceName string        `yaml:"service_name"`
//		Timeout     time.Duration // key "timeout"
//		Password    hexkit.Secret // key "password"; never printed
//		Kafka       KafkaSection  // nested: keys under "kafka"
//	}
//	cfg, err := config.Load("my_service", Config{ServiceName: "my-service", Timeout: 10 * time.Second})
//
// # Sources
//
// Later sources win over earlier ones, field by field:
//
//  1. the defaults: the value passed to Load;
//  2. one YAML file: the file named by the environment variable
//     <PREFIX>_CONFIG_YAML (it must exist), else .<prefix>.yaml in the
//     working directory, else .<prefix>.yaml in the home directory, else
//     none ([WithFile] names the file instead);
//  3. the dotenv files .env in the working directory and .env in the
//     secrets directory (default /secrets, [WithSecretsDir]); the second
//     wins where both set a variable. Their variables are read like
//     environment variables, with the prefix. A missing file is skipped;
//     one that cannot be read or parsed is an error;
//  4. the environment variables <PREFIX>_<KEY>, matched without regard to
//     case. A field of a nested struct is <PREFIX>_<KEY>__<SUBKEY>.
//
// # Keys and types
//
// A field's key is the name of its yaml tag, else its Go name in
// snake_case (ServiceName: service_name, MongoURI: mongo_uri, S3Endpoint:
// s3_endpoint). A yaml tag "-" and unexported fields are skipped. The
// fields of an embedded struct without a tag name count as fields of the
// outer struct, so configuration sections embed flat, as Python hexkit's
// configuration classes do when a service inherits them. So do those of an
// embedded pointer to a struct of an exported type: a source that sets one
// of them allocates the struct when the pointer is nil, and the defaults'
// struct is copied, never written to.
//
// Strings, booleans (true/false, yes/no, on/off, 1/0), integers, floats,
// time.Duration ("1m30s", or a number of seconds as Python writes it;
// one beyond the range of time.Duration, about 292 years, is an error),
// types that implement encoding.TextUnmarshaler (such as [hexkit.Secret]),
// pointers to these, slices, maps with string keys, nested structs and
// pointers to nested structs are supported. A pointer to a struct is a
// section like a nested struct: its fields have keys and variables of
// their own, a source that sets one of them allocates the struct when the
// pointer is nil, and the defaults' struct is copied, never written to.
// In the environment and in dotenv files a slice is a JSON array
// (["a","b"], as Python reads it) or a comma-separated list; a map is a
// JSON object; a struct is a JSON object that sets the fields it names,
// field by field like a YAML mapping. YAML keys and keys of such an
// object that name no field are errors (they are usually typos);
// environment variables that name no field are ignored.
//
// # Errors
//
// Load checks everything before it returns: every file that cannot be read
// or parsed (the other sources are still checked), every value that does
// not decode, every unknown key, and every problem reported by the
// Validate method of the configuration and of each struct inside it, a
// non-nil pointer to a struct and the items of slices, arrays and maps
// included (see [Validator]; a struct of an unexported type is not
// asked), end up in one [*Error] that lists them
// all and matches [ErrInvalid] with errors.Is. A value that a later
// source sets again no longer counts as a problem of the earlier source,
// nor does a section that an earlier source gave as something other than
// a mapping once a later source sets it or a field in it.
// Error messages never show the value of a [hexkit.Secret]; a file that
// does not parse is reported by its path and the number of the line where
// the broken statement starts (when the parser names one), never by its
// content.
package config
