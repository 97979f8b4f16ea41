"""Support code for the tests: files, browsers, a PostgreSQL server, the workshop server."""
