"""Fetching the web without the database: the SSRF-safe client, decoding, extraction, archiving, the capture
pipeline and the per-host limiter. The services store what it returns."""
