package interop

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

//go:embed python/migrate_peer.py
var migratePeerScript []byte

// EnsurePythonMongo is [EnsurePython] for Python hexkit with its MongoDB
// extra, in its own virtual environment.
func EnsurePythonMongo(ctx context.Context) (string, error) {
	return ensureVenv(ctx, "hexkit-"+PythonHexkit+"-mongodb", "hexkit[mongodb]=="+PythonHexkit)
}

// MigratePeer runs Python hexkit's MongoDB migration manager on one
// database's version collection (python/migrate_peer.py).
type MigratePeer struct {
	Python     string // from EnsurePythonMongo
	URI        string // MongoDB connection string
	DB         string // database name
	Collection string // Python hexkit's db_version_collection
	script     string
}

// NewMigratePeer writes the peer script to dir and returns a MigratePeer
// that runs it.
func NewMigratePeer(python, dir, uri, db, coll string) (*MigratePeer, error) {
	script := filepath.Join(dir, "migrate_peer.py")
	if err := os.WriteFile(script, migratePeerScript, 0o644); err != nil {
		return nil, err
	}
	return &MigratePeer{Python: python, URI: uri, DB: db, Collection: coll, script: script}, nil
}

func (p *MigratePeer) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.Python, append([]string{p.script}, args...)...)
	cmd.Env = append(os.Environ(), "PEER_MONGO_URI="+p.URI, "PEER_DB="+p.DB, "PEER_VERSION_COLLECTION="+p.Collection)
	return cmd
}

// Migrate runs MigrationManager.migrate_or_wait to target with Python steps
// 2 and 3, each inserting {"step": N, "by": "python"} into "effects".
func (p *MigratePeer) Migrate(ctx context.Context, target int) error {
	_, err := run(p.command(ctx, "migrate", strconv.Itoa(target)))
	return err
}

// Check runs check_db_version(target): "" when Python accepts the
// database, else the DbVersionMismatchError's message.
func (p *MigratePeer) Check(ctx context.Context, target int) (string, error) {
	out, err := run(p.command(ctx, "check", strconv.Itoa(target)))
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		return string(bytes.TrimSpace(out)), nil
	}
	return "", err
}

// Version returns the version Python hexkit reads from the records.
func (p *MigratePeer) Version(ctx context.Context) (int, error) {
	out, err := run(p.command(ctx, "version"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(bytes.TrimSpace(out)))
}
