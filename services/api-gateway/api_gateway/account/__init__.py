"""Who is calling (`GET /me`) and the admin's view of the tenant."""
