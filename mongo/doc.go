// Package mongo will be the MongoDB provider of the dao protocol, built on
// mongo-driver v2. It is tested against FerretDB, which speaks the MongoDB
// wire protocol.
//
// This package is a placeholder: it has no code yet.
package mongo
