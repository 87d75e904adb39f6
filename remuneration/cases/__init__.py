"""The relation-usagers case queue.

``domain/`` is the pure core (state machine, business calendar, service-level clocks,
automatic cases, work rules, metrics); ``config/`` holds its dated YAML configuration;
``models`` the tables (SQLAlchemy) and ``services`` the use cases built on the domain, which
flush and never commit.
"""

__all__ = ["domain", "models", "services"]
