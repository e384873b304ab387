"""One typed settings object, read from the environment (prefix ``CONSULAR_``)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSULAR_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///consular.db"
    host: str = "127.0.0.1"
    port: int = 8000
    # Nationals of this country are the post's to protect; other rows of a list are out of scope.
    home_country: str = Field(default="KOR", pattern="^[A-Z]{3}$", description="ISO alpha-3")
    # The web workspace: a session ends after this many minutes without a request, and a
    # user name is held back at one client address after this many failed sign-ins in a window.
    session_idle_minutes: int = Field(default=30, ge=1)
    sign_in_attempts: int = Field(default=5, ge=1)
    sign_in_window_minutes: int = Field(default=15, ge=1)
    # An unfinished import in the workspace is dropped after this many hours untouched.
    import_draft_hours: int = Field(default=24, ge=1)
    # Family status codes: valid this many days; a code (or a client address) that fails
    # this many lookups within the window waits until the oldest failure leaves it.
    family_code_days: int = Field(default=30, ge=1)
    status_attempts_per_code: int = Field(default=5, ge=1)
    status_attempts_per_client: int = Field(default=20, ge=1)
    status_window_minutes: int = Field(default=15, ge=1)
    # Messages to families. E-mail over SMTP: tls is "starttls", "ssl" or "none"; no host
    # means no e-mail is sent (the messages wait). SMS through a provider's webhook: the
    # body is signed with HMAC-SHA256 of the secret. A failed message is tried again after
    # notify_backoff_seconds, doubling each time, until notify_max_attempts.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = Field(default="starttls", pattern="^(starttls|ssl|none)$")
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "consulate@localhost"
    sms_webhook_url: str = ""
    sms_webhook_secret: str = ""
    notify_timeout_seconds: float = Field(default=10, gt=0)
    notify_max_attempts: int = Field(default=6, ge=1)
    notify_backoff_seconds: int = Field(default=30, ge=1)
    # A worker holds each message it sends for notify_lease_seconds; another worker takes
    # it over only after that, so the lease must outlast a slow answer (two timeouts).
    notify_lease_seconds: int = Field(default=120, ge=5)
    # Reminders to officers (the worker scans every reminder_scan_minutes): an open checklist
    # item of a held case due within reminder_lead_hours reaches its assigned officer; a
    # breached one reaches the post's supervisors too. Each officer gets at most one message
    # (a digest of all their items) per reminder_digest_minutes.
    reminder_lead_hours: float = Field(default=6, ge=0)
    reminder_digest_minutes: int = Field(default=60, ge=1)
    reminder_scan_minutes: float = Field(default=5, gt=0)
    # A case's hearing starting within hearing_lead_hours is told once to its assigned
    # officer, in the same digest.
    hearing_lead_hours: float = Field(default=48, ge=0)
    # Send the session cookie over HTTPS only (set to false only for plain-HTTP loopback use).
    secure_cookies: bool = True
    # Busy database: on SQLite a unit of work waits this long for another one's write lock,
    # then the person is told to try again (HTTP 503 with Retry-After), never shown an error.
    busy_timeout_seconds: float = Field(default=10, gt=0, le=600)
    busy_retry_after_seconds: int = Field(default=5, ge=1)
    # Audit log: the Ed25519 private key that signs `consular audit checkpoint`, a file kept
    # out of the database and its backups, so whoever rewrites the database cannot forge one.
    audit_signing_key_file: str = ""
    # The data key that seals passport numbers, A-numbers, phones, e-mails and uploaded rows
    # (consular.sealing): a key file of its owner's only (`consular keys generate`), or its
    # content inline. Kept out of the database and its backups, which are useless without it.
    data_key: str = Field(default="", repr=False)
    data_key_file: str = ""
    # Sign-in hardening: a client address is held back, whatever names it tries, after this
    # many failed sign-ins within sign_in_window_minutes (above its per-name limit).
    sign_in_attempts_per_client: int = Field(default=20, ge=1)
    # The flight manifest PDF embeds this TrueType font (Hangul and Latin); empty: the first
    # such font installed on the server, e.g. NanumGothic from Debian's fonts-nanum.
    pdf_font: str = ""

    # --- Uploads and imports: how much of a file or a request is read before it is refused ---
    # A file sent to the API or the workspace: a raid's list is a few thousand rows and the
    # benchmarks screen plans of 10,000, so 50,000 rows of 20 columns (about 10 MB of CSV,
    # 3 MB of XLSX, 55 MB of XML inside) pass with room.
    max_upload_bytes: int = Field(default=20 * 2**20, ge=1024)
    # A workbook's parts once inflated, and the text of all cells (a shared string counts
    # each time it is used): stops zip bombs before they grow in memory.
    max_uncompressed_bytes: int = Field(default=100 * 2**20, ge=1024)
    max_import_rows: int = Field(default=50_000, ge=1)
    # Real exports have a few dozen columns; Excel's own cell limit is 32,767 characters,
    # but no field of the product needs more than a paragraph (csv's own limit is 131,072).
    max_import_columns: int = Field(default=100, ge=1)
    max_cell_chars: int = Field(default=10_000, ge=100, le=100_000)
    # Any request body, checked before routing and sign-in: an upload and its form fields.
    max_request_bytes: int = Field(default=21 * 2**20, ge=1024)
    # The command line reads the operator's own files, a whole registry among them (the
    # benchmark imports 100,000 persons): ten times that, still bounded (set it per command).
    cli_max_file_bytes: int = Field(default=512 * 2**20, ge=1024)
    cli_max_uncompressed_bytes: int = Field(default=2 * 2**30, ge=1024)
    cli_max_import_rows: int = Field(default=1_000_000, ge=1)

    @model_validator(mode="after")
    def _lease_outlasts_a_slow_answer(self) -> Settings:
        if self.notify_lease_seconds < 2 * self.notify_timeout_seconds:
            raise ValueError(
                f"CONSULAR_NOTIFY_LEASE_SECONDS ({self.notify_lease_seconds}) must be at least "
                "twice CONSULAR_NOTIFY_TIMEOUT_SECONDS "
                f"({self.notify_timeout_seconds:g}): a message still being sent when its "
                "lease runs out is taken over and sent again by another worker"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


class UnsafeSettings(RuntimeError):
    """Settings that must not serve real people; the message names each setting."""


def _is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def unsafe_settings(settings: Settings, host: str | None = None) -> list[str]:
    """What makes these settings unfit to serve real people, each naming its setting.

    ``host`` is the address the server listens on (default: ``settings.host``). The demo
    and the tests skip this check; ``consular serve``, ``consular worker`` and
    ``create_app`` refuse to start while the list is not empty.
    """
    problems = []
    if settings.sms_webhook_url and not settings.sms_webhook_secret:
        problems.append(
            "CONSULAR_SMS_WEBHOOK_SECRET is empty while CONSULAR_SMS_WEBHOOK_URL is set: "
            "the provider could not tell our messages from forged ones; set the secret "
            "the provider gave you"
        )
    sms = urlsplit(settings.sms_webhook_url)
    if sms.scheme == "http" and not _is_loopback(sms.hostname or ""):
        problems.append(
            "CONSULAR_SMS_WEBHOOK_URL is plain http to another machine: families' phone "
            "numbers and messages would cross the network readable; use https"
        )
    if settings.smtp_user and not settings.smtp_password:
        problems.append(
            "CONSULAR_SMTP_PASSWORD is empty while CONSULAR_SMTP_USER is set: set the "
            "relay's password, or clear CONSULAR_SMTP_USER if the relay needs no login"
        )
    if (
        settings.smtp_password
        and settings.smtp_tls == "none"
        and not _is_loopback(settings.smtp_host)
    ):
        problems.append(
            "CONSULAR_SMTP_TLS is none while a password is sent to "
            f"{settings.smtp_host or 'no host'}: the password would cross the network "
            "readable; use starttls or ssl"
        )
    listen = host if host is not None else settings.host
    if not settings.secure_cookies and not _is_loopback(listen):
        problems.append(
            f"CONSULAR_SECURE_COOKIES is false while the server listens on {listen}: the "
            "session cookie would cross the network readable; serve HTTPS (for example "
            "behind nginx) and set it to true"
        )
    return problems
