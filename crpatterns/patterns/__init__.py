"""Patterns: a validated spec in, the desired resources with their references out. Pure: no I/O."""
