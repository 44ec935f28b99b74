"""Emails after they are queued: one email's state, and the email audit of every attempt."""
