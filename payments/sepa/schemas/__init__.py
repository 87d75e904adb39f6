"""Vendored ISO 20022 pain.001 XSDs (a package so that setuptools ships the ``*.xsd`` files)."""
