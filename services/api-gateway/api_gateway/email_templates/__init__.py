"""Admins edit the report email templates: per report and language, a subject and a body."""
