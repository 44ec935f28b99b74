"""Configuration read from the environment (and an optional `.env` file).

Every limit is a named setting with a default that suits a laptop. The environment
fails closed: without `APP_ENV` a process is in production, so placeholder or missing
secrets are refused at start-up with a message that says exactly what to set; only
`APP_ENV=development` (set by `make run`) accepts the built-in development secrets.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development-only values: fine on a laptop, refused anywhere else.
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"  # noqa: S105
DEV_FILE_LINK_SECRET = "dev-only-file-link-secret-change-me-0123456789"  # noqa: S105
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZmVybmV0LWtleS1jaGFuZ2UtbWUhISE="  # base64 of 32 bytes
PLACEHOLDER_SECRETS = frozenset(
    {"", "change-me", "changeme", "secret", DEV_JWT_SECRET, DEV_FILE_LINK_SECRET}
)
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")


class Settings(BaseSettings):
    """Settings shared by every service; per-service values carry the service's prefix."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    # Production unless told otherwise: a forgotten variable must not mean public secrets
    # and a `/dev/sign-in` that mints admin tokens for anyone.
    app_env: Literal["development", "test", "production"] = "production"
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/ledgerpost"
    database_pool_size: int = Field(default=10, ge=1, le=200)
    # How long a request waits for a free database connection before it is answered 503:
    # long enough for a burst of 500 requests to drain on two busy cores (about 15 s).
    database_pool_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Connections one process keeps to Redis; past them callers queue (never fail) for up to
    # the timeout, then the gateway answers 503 with Retry-After.
    redis_max_connections: int = Field(default=50, ge=2, le=10_000)
    redis_pool_timeout_seconds: float = Field(default=10.0, gt=0, le=300)

    auth_jwt_secret: str = DEV_JWT_SECRET
    auth_jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    # PEM public key (or a path to one) for RS256 tokens issued by the host app.
    auth_jwt_public_key: str = ""
    # PEM private key (or a path) used only by the development token CLI for RS256.
    auth_jwt_private_key: str = ""
    auth_jwt_leeway_seconds: int = Field(default=30, ge=0, le=600)

    # Comma-separated Fernet keys, newest first: encrypt with the first, decrypt with any.
    encryption_keys: str = DEV_ENCRYPTION_KEY

    # Signs the public download links mailed to recipients (`/api/v1/files/{token}`).
    file_link_secret: str = DEV_FILE_LINK_SECRET

    export_dir: Path = Path("var/exports")
    # Where uploaded Tally exports wait for the export-service to import them (shared by
    # the gateway and the export-service, like EXPORT_DIR); removed once imported.
    import_dir: Path = Path("var/imports")
    export_ttl_days: int = Field(default=7, ge=1, le=365)
    export_cleanup_interval_seconds: float = Field(default=300.0, gt=0)
    # Files with no live job (and temporary files) older than this are removed as orphans.
    export_orphan_grace_seconds: int = Field(default=3600, ge=60)
    public_base_url: str = "http://127.0.0.1:8000"

    # Event bus
    bus_stream_prefix: str = ""  # lets tests and side-by-side stacks keep their streams apart
    bus_block_ms: int = Field(default=2000, ge=10, le=60000)
    bus_batch_size: int = Field(default=16, ge=1, le=1000)
    bus_claim_idle_ms: int = Field(default=60000, ge=0)
    bus_max_deliveries: int = Field(default=5, ge=1, le=100)
    bus_stream_maxlen: int = Field(default=100_000, ge=100)
    outbox_batch_size: int = Field(default=100, ge=1, le=10000)
    outbox_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    # A relay woken by another process's commit waits this long before looking: that
    # process's relay has usually published the rows by then, and the look costs one read.
    outbox_peer_delay_seconds: float = Field(default=0.05, ge=0, le=5)
    # How long a published outbox id is remembered in Redis to refuse a re-publish.
    outbox_dedupe_ttl_seconds: int = Field(default=86400, ge=60)
    reconcile_interval_seconds: float = Field(default=30.0, gt=0)

    # api-gateway
    gateway_host: str = "127.0.0.1"
    gateway_port: int = Field(default=8000, ge=1, le=65535)
    # Largest request body the gateway reads (JSON); the CSV import has its own, larger cap.
    gateway_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    # The host application's books sync: the largest body one request may send, and the most
    # rows (NDJSON lines or array elements) it may hold; over either is a 413 naming it.
    books_max_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    books_max_rows_per_request: int = Field(default=50_000, ge=1, le=1_000_000)
    # A Tally upload (POST /admin/imports/tally): all its files together, and how many files.
    tally_import_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    tally_import_max_files: int = Field(default=10, ge=1, le=100)
    # An import's worker holds it this long, renewed with every progress step.
    tally_import_lease_seconds: int = Field(default=300, ge=10)
    # Attempts at one import (a worker that dies, a database that fails) before it fails.
    tally_import_max_attempts: int = Field(default=3, ge=1, le=20)
    # The Retry-After of a 503 when a pool (database, Redis) stayed busy past its timeout.
    gateway_busy_retry_after_seconds: int = Field(default=2, ge=1, le=3600)

    # Workers answer /healthz, /readyz and /metrics on a small port of their own.
    export_health_port: int = Field(default=8101, ge=0, le=65535)
    mail_health_port: int = Field(default=8102, ge=0, le=65535)
    scheduler_health_port: int = Field(default=8103, ge=0, le=65535)
    health_host: str = "127.0.0.1"

    # export-service
    export_lease_seconds: int = Field(default=300, ge=5)  # renewed every third while rendering
    # Attempts at one job (workers that died or failed transiently) before it fails for good.
    export_max_attempts: int = Field(default=3, ge=1, le=20)
    export_max_period_days: int = Field(default=5 * 366, ge=1)
    # A PDF is built in memory (about 35 MB per 100,000 rows): past this, CSV or XLSX it is.
    export_pdf_max_rows: int = Field(default=100_000, ge=1)
    # The on-screen statement preview (`GET /reports/{report}/preview`): body rows per page. Each
    # page reads the report to its end (its totals come last), within EXPORT_PDF_MAX_ROWS.
    report_preview_page_rows: int = Field(default=100, ge=10, le=1000)
    # A report's file name, in UTF-8 bytes (file systems allow 255; a Devanagari letter is 3,
    # and a browser may add " (1)"); a longer party name is cut and tagged.
    file_name_max_bytes: int = Field(default=180, ge=64, le=240)

    # mail-service
    mail_lease_seconds: int = Field(default=120, ge=5)
    mail_max_attempts: int = Field(default=5, ge=1, le=20)  # scheduled sends; manual: one
    mail_retry_base_seconds: float = Field(default=30.0, gt=0)
    mail_retry_max_seconds: float = Field(default=3600.0, gt=0)
    mail_send_deadline_seconds: float = Field(default=60.0, gt=0, le=600)
    mail_connection_idle_seconds: float = Field(default=30.0, ge=0)
    # Conversations with one SMTP server at once, each on its own reused connection.
    mail_connections_per_server: int = Field(default=2, ge=1, le=20)
    # Batches of emails a mail-service process works on at once (consumer loops): one
    # claims or records in the database while another talks SMTP.
    mail_concurrent_batches: int = Field(default=2, ge=1, le=16)
    # Tries at recording a batch's outcomes when the database hiccups (a lost `sent` means a
    # resend once the lease runs out).
    mail_record_attempts: int = Field(default=3, ge=1, le=10)
    # An email not offered to its server because an earlier one to that server had just
    # failed to connect is not an attempt: it goes back to the queue, due after this long.
    mail_not_tried_delay_seconds: float = Field(default=10.0, ge=0, le=3600)
    # Encoded attachments kept for the next email of the same report (0 turns it off).
    mail_attachment_cache_mb: int = Field(default=32, ge=0, le=1024)
    # Extra CA bundle trusted for tenants' SMTP and IMAP servers (a private CA); system CAs
    # always apply.
    mail_smtp_ca_file: Path | None = None
    # Bounce tracking: how often each tenant's mailbox is read, how many new messages one
    # scan looks at (the rest wait for the next), how much of a message is fetched (a
    # notification's report comes first), and how many mailboxes one round of a worker scans.
    mailbox_scan_interval_seconds: float = Field(default=300.0, ge=5, le=86400)
    mailbox_scan_max_messages: int = Field(default=200, ge=1, le=5000)
    mailbox_scan_max_message_bytes: int = Field(default=262144, ge=4096, le=10_485_760)
    mailbox_scan_tenants_per_round: int = Field(default=20, ge=1, le=1000)
    # One mailbox's whole scan, login to logout: a server that answers a byte at a time never
    # trips the per-operation timeout, and would hold the scan and its worker thread.
    mailbox_scan_max_seconds: float = Field(default=120.0, ge=1, le=3600)
    # How long `POST /admin/email-settings/test` waits beyond the tenant's SMTP timeout.
    mail_test_wait_margin_seconds: float = Field(default=5.0, ge=0)
    # Loopback, private and link-local SMTP hosts tenants may use anyway (comma-separated host
    # names, IP addresses or CIDR networks); empty: public addresses only.
    smtp_allowed_private_hosts: str = ""

    # scheduler-service
    scheduler_tick_seconds: float = Field(default=5.0, gt=0, le=300)
    scheduler_tick_batch: int = Field(default=500, ge=1, le=10000)
    # Batches a ticker advances at once, each in its own transaction: one waits on the database
    # while another is prepared (a burst is bound by round trips, not by the ticker's CPU).
    scheduler_concurrent_batches: int = Field(default=2, ge=1, le=8)
    # A run missed by downtime is still made if its slot is at most this old; older: `missed`.
    scheduler_catch_up_seconds: int = Field(default=3600, ge=0)
    scheduler_run_max_attempts: int = Field(default=3, ge=1, le=20)
    scheduler_retry_base_seconds: float = Field(default=60.0, gt=0)
    scheduler_pause_after_failures: int = Field(default=3, ge=1, le=100)
    scheduler_run_retention_days: int = Field(default=90, ge=1)

    # Manual report emails
    send_max_recipients: int = Field(default=50, ge=1, le=1000)  # To + CC + BCC of one email
    # per user; "run now" on a schedule counts too, since each run sends an email
    send_rate_per_minute: int = Field(default=20, ge=1, le=10000)

    # Balance confirmations: how long a party's link works, how often one client may open
    # or answer confirmation pages (per address and minute), how long a party's note may be,
    # and reminders to parties that did not answer: after this many days, at most this many.
    confirmation_link_ttl_days: int = Field(default=30, ge=1, le=365)
    confirmation_rate_per_minute: int = Field(default=20, ge=1, le=10000)
    confirmation_note_max_chars: int = Field(default=1000, ge=10, le=10_000)
    confirmation_reminder_after_days: int = Field(default=7, ge=1, le=365)
    confirmation_max_reminders: int = Field(default=2, ge=0, le=20)
    # How often the scheduler-service looks for parties due a reminder.
    confirmation_reminder_sweep_seconds: float = Field(default=900.0, gt=0, le=86400)

    # The company address on the letterhead: lines, and characters per line (an A4 header
    # prints about 80 in its small font).
    letterhead_address_max_lines: int = Field(default=5, ge=1, le=20)
    letterhead_address_line_max_chars: int = Field(default=80, ge=10, le=500)

    # Statement runs: statements all runs of a tenant may email in a rolling hour (the
    # per-minute manual limit does not apply to them), and ledgers one run may cover.
    statement_runs_hourly_quota: int = Field(default=2000, ge=1, le=1_000_000)
    statement_run_max_ledgers: int = Field(default=5000, ge=1, le=100_000)

    # Schedules: how many may exist, and how often one may fire (a run is an export + email).
    schedules_max_per_user: int = Field(default=50, ge=1, le=100_000)
    schedules_max_per_tenant: int = Field(default=500, ge=1, le=1_000_000)
    schedule_min_interval_minutes: int = Field(default=15, ge=1, le=1440)

    # Report email templates an admin saves: a subject fits one header line (998 characters
    # with every name filled), a body is a letter, not a document.
    email_template_subject_max_chars: int = Field(default=200, ge=20, le=500)
    email_template_body_max_chars: int = Field(default=5000, ge=100, le=50_000)

    @field_validator("smtp_allowed_private_hosts")
    @classmethod
    def _host_list(cls, value: str) -> str:
        for raw in value.split(","):
            entry = raw.strip().strip("[]")
            if not entry:
                continue
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                if not _HOST_NAME.fullmatch(entry.lower().rstrip(".")):
                    raise ValueError(
                        f"SMTP_ALLOWED_PRIVATE_HOSTS: {entry!r} is not a host name, IP address "
                        "or CIDR network"
                    ) from None
        return value

    @property
    def is_development(self) -> bool:
        return self.app_env == "development"

    @property
    def encryption_key_list(self) -> list[str]:
        return [k.strip() for k in self.encryption_keys.split(",") if k.strip()]

    def stream(self, name: str) -> str:
        """The Redis key of a logical stream name, with this deployment's prefix."""
        return f"{self.bus_stream_prefix}{name}"

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.is_development:
            return self
        problems: list[str] = []
        if self.auth_jwt_algorithm == "HS256":
            if self.auth_jwt_secret in PLACEHOLDER_SECRETS or len(self.auth_jwt_secret) < 32:
                problems.append(
                    "AUTH_JWT_SECRET is missing or a placeholder: set it to 32+ random "
                    "characters, e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
                )
        elif not self.auth_jwt_public_key:
            problems.append("AUTH_JWT_PUBLIC_KEY is required when AUTH_JWT_ALGORITHM=RS256")
        if self.file_link_secret in PLACEHOLDER_SECRETS or len(self.file_link_secret) < 32:
            problems.append(
                "FILE_LINK_SECRET is missing or a placeholder: set it to 32+ random characters "
                "(it signs the download links in emails)"
            )
        keys = self.encryption_key_list
        if not keys or DEV_ENCRYPTION_KEY in keys:
            problems.append(
                "ENCRYPTION_KEYS is missing or holds the development key: set it to one or more "
                "Fernet keys, newest first, e.g. the output of `python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
            )
        if problems:
            raise ValueError(f"APP_ENV={self.app_env} refuses to start: " + "; ".join(problems))
        return self


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once; tests build their own `Settings(...)` instead."""
    return Settings()
