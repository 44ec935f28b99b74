"""The tenant's SMTP settings (admins only) and the button that sends a test email with them."""
