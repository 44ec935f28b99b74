"""The tenant's mailbox (IMAP) settings, read for bounces, and the button that tries them."""
