"""The read-only REST API: shared pieces (base), personal tokens (tokens, views), routes (urls)."""
