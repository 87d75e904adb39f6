"""api/routers."""
