"""Bounces: delivery status notifications read from the tenant's mailbox, matched to our emails.

`notifications` reads one message (RFC 3464 reports and the common non-standard forms) into a
`BounceReport`; `matching` finds the email it reports on and records each failed recipient;
`recipients` tells each recipient's status (accepted, refused, bounced) to whoever reads emails.
"""
