"""Service tests: the message wall with real PostgreSQL, Redis and HTTP server processes."""
