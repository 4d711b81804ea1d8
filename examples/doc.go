// Package examples holds runnable example services, one per subdirectory,
// written as hexkit intends: a domain core behind ports, translators between
// those ports and hexkit's protocols, and wiring that picks the providers.
//
// No example has landed yet; the first is the streamcalc arithmetic service.
package examples
