"""The worker's side of mail: each event's notifications made into mails (rules.py), and
each mail composed from its templates and sent: through SMTP_URL, or, in development
without one, written to $HELPDESK_DATA_DIR/mail/ and logged. Retried as webhooks are."""

import logging
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment as Templates
from jinja2 import PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.auth.models import User
from helpdesk.config import Environment, Settings
from helpdesk.events.models import Event
from helpdesk.events.retry import next_attempt
from helpdesk.mail.models import Mail, MailKind, MailState
from helpdesk.mail.rules import notifications, refusal
from helpdesk.tickets.models import Ticket

FAN_OUT_BATCH = 200
TIMEOUT_SECONDS = 30
SUBJECTS = {
    MailKind.reply: "Re: {title} [#{id}]",
    MailKind.resolved: "Resolved: {title} [#{id}]",
    MailKind.assigned: "Assigned to you: {title} [#{id}]",
    MailKind.requester_replied: "Re: {title} [#{id}]",
}

log = logging.getLogger("helpdesk.mail")
_templates = Templates(
    loader=PackageLoader("helpdesk.mail", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
_NEXT = text(
    """
    SELECT id FROM mails WHERE state = 'pending' AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
    """
)


def sends_mail(settings: Settings) -> bool:
    """With an SMTP server; without one, only in development (to files)."""
    return settings.smtp_url is not None or settings.environment is Environment.development


def _domain(settings: Settings) -> str:
    return settings.mail_from.rpartition("@")[2].strip("> ") or "localhost"


async def fan_out(session: AsyncSession, *, settings: Settings) -> int:
    """The mails of the events not yet looked at; how many events. A mail its recipient
    may not get (rules.refusal) is made failed, with the reason, never to be sent. Without a
    way to send (production with no SMTP_URL), events are marked and no mail is made."""
    events = list(
        await session.scalars(
            select(Event)
            .where(Event.mailed_at.is_(None))
            .order_by(Event.id)
            .limit(FAN_OUT_BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    if not events:
        return 0
    if sends_mail(settings):
        wanted = [
            (event, user_id, kind)
            for event in events
            for user_id, kind in notifications(event.type, event.data)
        ]
        user_ids = {user_id for _, user_id, _ in wanted}
        ticket_ids = {event.ticket_id for event, _, _ in wanted}
        users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(user_ids)))}
        tickets = {
            t.id: t for t in await session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)))
        }
        now = await session.scalar(select(func.now()))
        due = {"state": MailState.pending.value, "next_attempt_at": now, "last_error": None}
        mails: list[dict[str, Any]] = []
        for event, user_id, kind in wanted:
            if user_id not in users:
                continue  # the account is gone
            mail = {
                "event_id": event.id,
                "ticket_id": event.ticket_id,
                "kind": kind.value,
                "to_user_id": user_id,
                "message_id": make_msgid(f"ticket{event.ticket_id}", _domain(settings)),
            }
            reason = refusal(users[user_id], tickets.get(event.ticket_id))
            mails.append(mail | (due if reason is None else _given_up(reason)))
        if mails:
            # render_nulls: a refused mail's NULL next_attempt_at, not the column's default.
            await session.execute(insert(Mail).execution_options(render_nulls=True), mails)
    await session.execute(
        update(Event)
        .where(Event.id.in_([event.id for event in events]))
        .values(mailed_at=func.now())
    )
    return len(events)


def _given_up(reason: str) -> dict[str, Any]:
    """A mail's columns once it is failed, never to be sent, with why."""
    return {"state": MailState.failed.value, "next_attempt_at": None, "last_error": reason}


def compose(
    mail: Mail, event: Event, recipient: User, *, settings: Settings, thread: str | None
) -> EmailMessage:
    data: dict[str, Any] = event.data
    ticket = data["ticket"]
    context = {
        "recipient": recipient,
        "ticket": ticket,
        "comment": data.get("comment"),
        "link": f"{settings.public_url.rstrip('/')}/tickets/{ticket['id']}",
    }
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient.email
    message["Subject"] = SUBJECTS[MailKind(mail.kind)].format(
        title=ticket["title"], id=ticket["id"]
    )
    message["Message-ID"] = mail.message_id
    if thread is not None and thread != mail.message_id:
        message["In-Reply-To"] = thread
        message["References"] = thread
    message.set_content(_templates.get_template(f"{mail.kind}.txt").render(context))
    message.add_alternative(
        _templates.get_template(f"{mail.kind}.html").render(context), subtype="html"
    )
    return message


async def deliver(message: EmailMessage, *, settings: Settings) -> None:
    if settings.smtp_url is None:
        folder = Path(settings.helpdesk_data_dir) / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(bytes(message))
        log.info("mail written", extra={"to": message["To"], "file": str(folder / f"{name}.eml")})
        return
    parts = urlsplit(settings.smtp_url)
    await aiosmtplib.send(
        message,
        hostname=parts.hostname,
        port=parts.port or (465 if parts.scheme == "smtps" else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=parts.scheme == "smtps",
        start_tls=False if parts.scheme == "smtps" else None,
        tls_context=ssl.create_default_context() if parts.scheme == "smtps" else None,
        timeout=TIMEOUT_SECONDS,
    )


async def send_next(session: AsyncSession, *, settings: Settings) -> bool:
    """Send the next due mail, holding its row; False when none is due."""
    mail_id = await session.scalar(_NEXT)
    if mail_id is None:
        return False
    mail = await session.get_one(Mail, mail_id)
    event = await session.get_one(Event, mail.event_id)
    recipient = await session.get_one(User, mail.to_user_id)
    reason = refusal(recipient, await session.get(Ticket, mail.ticket_id))
    if reason is not None:
        await session.execute(update(Mail).where(Mail.id == mail.id).values(_given_up(reason)))
        return True
    thread = await session.scalar(
        select(Mail.message_id).where(Mail.ticket_id == mail.ticket_id).order_by(Mail.id).limit(1)
    )
    now = await session.scalar(select(func.now()))
    assert now is not None
    try:
        await deliver(
            compose(mail, event, recipient, settings=settings, thread=thread), settings=settings
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        mail.attempts += 1
        mail.last_error = f"{type(error).__name__}: {error}"[:500]
        mail.next_attempt_at = next_attempt(
            now=now, attempts=mail.attempts, retry_until=mail.retry_until
        )
        if mail.next_attempt_at is None:
            mail.state = MailState.failed.value
        log.info("mail not sent", extra={"mail_id": mail.id, "error": mail.last_error})
        return True
    mail.attempts += 1
    mail.state = MailState.sent.value
    mail.sent_at = func.now()
    mail.next_attempt_at = None
    mail.last_error = None
    return True
