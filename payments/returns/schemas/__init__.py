"""Vendored ISO 20022 pain.002 and camt.054 XSDs (a package so that setuptools ships them)."""
