package config

// Option changes where [Load] looks.
type Option func(*options)

type options struct {
	file       string
	secretsDir string
	environ    []string
	useEnviron bool
	workDir    string
	homeDir    string
}

// WithFile reads the YAML file at path, which must exist, instead of
// looking for one by the conventional names. Default: the conventional
// names (see the package documentation).
func WithFile(path string) Option { return func(o *options) { o.file = path } }

// WithSecretsDir sets the directory whose .env file is read after the one
// in the working directory (Python hexkit's dotenv_prefix). Default
// "/secrets"; "" reads only the working directory's .env.
func WithSecretsDir(dir string) Option { return func(o *options) { o.secretsDir = dir } }

// WithEnviron reads the environment variables from env ("KEY=value"
// entries, as os.Environ returns them) instead of the process's
// environment. Default: os.Environ().
func WithEnviron(env []string) Option {
	return func(o *options) { o.environ, o.useEnviron = env, true }
}

// WithDirs sets the working and home directories searched for
// .<prefix>.yaml and .env. Default: os.Getwd and os.UserHomeDir; "" keeps
// the default.
func WithDirs(work, home string) Option {
	return func(o *options) { o.workDir, o.homeDir = work, home }
}
