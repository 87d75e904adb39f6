"""remuneration."""
