"""The edge of remu, by door: `api.http` (the HTTP API), `api.cli` (the `remu` commands),
`api.scheduler` (the scheduled jobs). They share `api.settings` (configuration, clock, parameter
set, bearer tokens); `api.composition` wires them (the console script's entry point).

Nothing below `api/` imports this package.
"""

__all__: list[str] = []
