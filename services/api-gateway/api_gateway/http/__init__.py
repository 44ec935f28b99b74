"""The HTTP plumbing every feature uses: auth guards, dependencies, problem details (RFC 9457),
pagination, rate limits, the tenant's clock, and the health endpoints."""
