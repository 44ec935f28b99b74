"""The host application provisions its companies here (service token, `tenants:write`)."""
