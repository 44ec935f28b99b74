"""Bodies of the mailbox settings API: `MailboxSettingsUpdate` in, `MailboxSettingsPublic` out,
and the test button's request and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from api_gateway.smtp_settings.schemas import MAX_PASSWORD_LENGTH, SmtpSecurity

# IMAP names non-ASCII folders in modified UTF-7; printable ASCII covers the usual INBOX,
# "Bounces" or "INBOX.Bounces" without it.
FOLDER_PATTERN = r"^[\x20-\x7e]+$"


class MailboxServer(BaseModel):
    """Where the mailbox is and how to log in (saved, or only tried)."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=253, description="DNS name or IP, no port")
    port: int = Field(default=993, ge=1, le=65535)
    security: SmtpSecurity = Field(default="ssl", description="ssl: implicit TLS (993)")
    username: str = Field(min_length=1, max_length=320)
    # Write-only: omitted keeps the stored password (same server only), null clears it.
    password: SecretStr | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description="Write-only. Omit to keep the stored password; null clears it.",
    )
    folder: str = Field(
        default="INBOX",
        min_length=1,
        max_length=200,
        pattern=FOLDER_PATTERN,
        description="The folder bounces arrive in (printable ASCII)",
    )
    timeout_seconds: int = Field(default=30, ge=1, le=120)

    @property
    def password_given(self) -> bool:
        """True when the body carried `password` (a string or null), False when omitted."""
        return "password" in self.model_fields_set


class MailboxSettingsUpdate(MailboxServer):
    """A full replacement of the settings; only `password` keeps its value when omitted."""

    enabled: bool = Field(default=True, description="false keeps the settings but stops reading")


class MailboxSettingsPublic(BaseModel):
    host: str
    port: int
    security: SmtpSecurity
    username: str
    has_password: bool
    folder: str
    timeout_seconds: int
    enabled: bool
    uidvalidity: int | None = Field(description="The folder's UIDVALIDITY when last read")
    last_uid: int = Field(description="The last message read (its UID); the next scan reads on")
    last_scan_at: datetime | None
    last_scan_error: str | None
    bounces_recorded: int = Field(description="Bounces matched to the tenant's emails so far")
    updated_at: datetime
    updated_by: str | None


class MailboxTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: MailboxServer | None = Field(
        default=None, description="Unsaved settings to try; omitted: the saved ones"
    )


class MailboxTestResult(BaseModel):
    ok: bool
    error_class: str | None = Field(
        default=None,
        description="dns, connection_refused, timeout, tls, auth, folder, protocol, "
        "connection, host_not_allowed",
    )
    reason: str | None = None
    messages: int | None = Field(default=None, description="Messages in the folder")
    uidvalidity: int | None = None
    duration_ms: int
