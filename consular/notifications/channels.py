"""Sending one message: e-mail over SMTP, SMS through a provider's webhook.

Each message carries its notification id as the key a receiver uses to drop a second copy
(the e-mail's Message-ID, the webhook's Idempotency-Key), so a message sent again after a
worker died between sending it and recording it is still delivered once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate

from consular.config import Settings
from consular.notifications.models import Notification


class SendError(Exception):
    """The message was not accepted; the text says why (kept with the notification)."""


class NotConfigured(SendError):
    """No server is configured for this channel: the message waits, no attempt is used."""


class Undeliverable(SendError):
    """The message itself can never be sent as it is: given up at once, not tried again."""


def message_id(notification: Notification) -> str:
    """Stable for a message, whichever worker sends it and however often: the relay's key."""
    return f"<{notification.id}@consular>"


def recipient(notification: Notification) -> str:
    """The address or number, refused when a line break would let it write other headers."""
    if "\r" in notification.recipient or "\n" in notification.recipient:
        raise Undeliverable(
            f"the recipient {notification.recipient!r} contains a line break; correct the "
            "contact's address, then send the message again"
        )
    return notification.recipient


def one_line(text: str) -> str:
    """A header's text with each run of white space, line breaks included, as one space."""
    return " ".join(text.split())


def send_email(settings: Settings, notification: Notification) -> None:
    if not settings.smtp_host:
        raise NotConfigured("no SMTP server is configured (CONSULAR_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = recipient(notification)
    message["Subject"] = one_line(notification.subject)
    message["Message-ID"] = message_id(notification)
    message["Date"] = formatdate(usegmt=True)
    message.set_content(notification.body)
    timeout = settings.notify_timeout_seconds
    try:
        if settings.smtp_tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with client:
            if settings.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_sms(settings: Settings, notification: Notification) -> None:
    if not settings.sms_webhook_url:
        raise NotConfigured("no SMS webhook is configured (CONSULAR_SMS_WEBHOOK_URL)")
    body = json.dumps(
        {"id": notification.id, "to": recipient(notification), "text": notification.body},
        ensure_ascii=False,
    ).encode()
    request = urllib.request.Request(
        settings.sms_webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": notification.id,
            "X-Consular-Signature": signature(settings.sms_webhook_secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.notify_timeout_seconds) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        raise SendError(f"SMS webhook answered {exc.code} {exc.reason}") from exc
    except (OSError, urllib.error.URLError) as exc:
        raise SendError(f"SMS webhook {settings.sms_webhook_url}: {exc}") from exc


SENDERS = {"email": send_email, "sms": send_sms}
