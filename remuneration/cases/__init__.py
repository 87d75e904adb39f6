"""The relation-usagers case queue.

``domain/`` is the pure core (state machine, business calendar, service-level clocks,
automatic cases, work rules, metrics); ``config/`` holds its dated YAML configuration. The
tables and services (SQLAlchemy) build on ``remuneration.cases.domain``.
"""
