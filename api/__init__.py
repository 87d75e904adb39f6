"""The composition root: HTTP API (`create_app`), command line (`remu`), demo data.

Nothing imports this package; it imports everything else.
"""

__all__: list[str] = []
