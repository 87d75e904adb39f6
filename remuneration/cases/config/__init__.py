"""Dated configuration files of the case queue (YAML), read by ``remuneration.cases.domain``."""
