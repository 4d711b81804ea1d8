package mongo

// UseConditionalWrites makes the outbox of db send its conditional writes
// as it does to MongoDB even on FerretDB (where they are slower and no more
// atomic, but correct within a process), so that both paths are tested.
func UseConditionalWrites(db *DB) { db.server.Store(1) }
