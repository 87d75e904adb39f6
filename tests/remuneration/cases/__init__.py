"""Tests of the pure case-queue domain."""
