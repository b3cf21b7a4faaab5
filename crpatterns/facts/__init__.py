"""Facts a pattern decides from, read from the cloud before the pure pattern runs. Reads only."""
