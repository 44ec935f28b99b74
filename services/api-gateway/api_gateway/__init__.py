"""api-gateway: authentication, validation and tenant scoping in front of the workers."""
