"""mail-service: sends report emails through the tenant's SMTP server and audits every attempt."""
