package kafka

// MapErrorForTest exposes mapError to the package's external tests.
var MapErrorForTest = mapError
