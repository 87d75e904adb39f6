"""The command-line door: the `remu` commands of agents and operators."""
