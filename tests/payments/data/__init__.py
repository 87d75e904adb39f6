"""Test data for the payments package: golden pain.001 files, bank files and sample builders."""
