"""Plans and results as text for people and JSON for programs, both read from the same Plan object."""
