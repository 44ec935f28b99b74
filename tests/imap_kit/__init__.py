"""An IMAP server for tests (a private Dovecot) and real-shaped bounces to put in it."""
