"""The development mailer: every message printed to the console as a person reads it.

Django's console backend prints the message as it would go on the wire: bodies quoted-printable or base64,
so a long confirmation link breaks across lines with `=` at each end and cannot be clicked or copied, and a
non-English subject is an encoded word. This one prints the headers decoded and each text part as text.
"""

from __future__ import annotations

from email.message import EmailMessage as MIMEMessage

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.message import EmailMessage

SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Auto-Submitted")
RULE = "-" * 79


def readable(message: EmailMessage) -> str:
    """A message as text: its main headers decoded, then each text part's content; attachments by name."""
    mime: MIMEMessage = message.message()
    lines = [f"{name}: {mime[name]}" for name in SHOWN_HEADERS if mime[name]]
    bodies, attachments = [], []
    for part in mime.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename or part.get_content_maintype() != "text":
            attachments.append(f"{filename or 'unnamed'} ({part.get_content_type()})")
        else:
            bodies.append((part.get_content_type(), part.get_content()))
    text = ["\n".join(lines)]
    for content_type, body in bodies:
        if len(bodies) > 1:
            text.append(f"[{content_type}]")
        text.append(body.rstrip("\n"))
    if attachments:
        text.append("Attached: " + ", ".join(attachments))
    return "\n\n".join(part for part in text if part)


class ConsoleEmailBackend(DjangoConsoleBackend):
    """Django's console backend, printing decoded text instead of the encoded wire format."""

    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(f"{readable(message)}\n{RULE}\n")


def where_mail_goes() -> str:
    """One sentence saying where the default mailer puts messages (printed by `load_demo`, so `make run`)."""
    from django.conf import settings

    backend = settings.MAILERS["default"]["BACKEND"]
    if backend.endswith("ConsoleEmailBackend") and backend.startswith("config."):
        return "printed on this console, decoded (config/mail.py)"
    if backend.endswith("smtp.EmailBackend"):
        return f"sent by SMTP through {settings.MAILERS['default'].get('OPTIONS', {}).get('host', 'EMAIL_HOST')}"
    return f"handed to {backend}"
