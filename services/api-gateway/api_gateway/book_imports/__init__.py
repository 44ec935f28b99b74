"""Admins upload Tally exports; the export-service imports them in the background."""
