"""One history of everything made and being made: read from the journal, kept current by the runner's events."""
