// Package smoke holds smoke tests that prove scripts/servers: each talks to
// one real server with its raw client. The providers' own tests live with
// the providers.
package smoke
