"""The product's rules every service shares: the report registry, export jobs, emails and
their claims, schedules, recurrence and periods, addresses and the recipient policy, tenants'
lookups, the party directory, signed links and idempotency."""
