"""The demonstration data set loaded by `remu demo` (through the same services as the API)."""
