"""The scheduler door: the job table, slots, runner, status and the `remu jobs` commands."""
