"""The worker's side of mail: each event's notifications made into mails (rules.py), and
each mail composed from its templates and sent: through SMTP_URL, or, in development
without one, written to $HELPDESK_DATA_DIR/mail/ and logged. Retried as webhooks are, and
sent as they are: claimed in a short transaction, sent with none open, its outcome recorded
in another (a worker that dies mid-send leaves the mail to be sent again once its lease runs
out: at least once)."""

import asyncio
import logging
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
import asyncpg
from jinja2 import Environment as Templates
from jinja2 import PackageLoader, StrictUndefined, select_autoescape

from helpdesk.auth import repository as accounts
from helpdesk.auth.models import User
from helpdesk.config import Environment, Settings
from helpdesk.db.pool import Database
from helpdesk.events.retry import lease, next_attempt, printable, transaction_time
from helpdesk.mail import repository
from helpdesk.mail.models import MailKind, MailState
from helpdesk.mail.repository import Claimed, NewMail
from helpdesk.mail.rules import notifications, refusal

FAN_OUT_BATCH = 200
# The whole send, from connecting to the server's last answer.
TIMEOUT_SECONDS = 30
# A claimed mail is the claiming worker's for this long; well past a send, so that only a
# worker that died mid-send loses it to another.
LEASE = lease(TIMEOUT_SECONDS)
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


def sends_mail(settings: Settings) -> bool:
    """With an SMTP server; without one, only in development (to files)."""
    return settings.smtp_url is not None or settings.environment is Environment.development


def _domain(settings: Settings) -> str:
    return settings.mail_from.rpartition("@")[2].strip("> ") or "localhost"


async def fan_out(connection: asyncpg.Connection, *, settings: Settings) -> int:
    """The mails of the events not yet looked at; how many events. A mail its recipient
    may not get (rules.refusal) is made failed, with the reason, never to be sent. Without a
    way to send (production with no SMTP_URL), events are marked and no mail is made. Run
    in a transaction."""
    events = await repository.lock_unmailed(connection, batch=FAN_OUT_BATCH)
    if not events:
        return 0
    if sends_mail(settings):
        wanted = [
            (event, user_id, kind)
            for event in events
            for user_id, kind in notifications(event.type, event.data)
        ]
        users = await repository.users_by_id(connection, {user_id for _, user_id, _ in wanted})
        tickets = await repository.tickets_by_id(
            connection, {event.ticket_id for event, _, _ in wanted}
        )
        await repository.add(
            connection,
            [
                NewMail(
                    event_id=event.id,
                    ticket_id=event.ticket_id,
                    kind=kind.value,
                    to_user_id=user_id,
                    message_id=make_msgid(f"ticket{event.ticket_id}", _domain(settings)),
                    refused=refusal(users[user_id], tickets.get(event.ticket_id)),
                )
                for event, user_id, kind in wanted
                if user_id in users  # else the account is gone
            ],
        )
    await repository.mark_mailed(connection, [event.id for event in events])
    return len(events)


def compose(
    mail: Claimed,
    data: dict[str, Any],
    recipient: User,
    *,
    settings: Settings,
    thread: str,
) -> EmailMessage:
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
    if thread != mail.message_id:
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


@dataclass(frozen=True)
class _Outgoing:
    """A claimed mail its recipient may still get, and what it is composed from."""

    mail: Claimed
    data: dict[str, Any]
    recipient: User
    thread: str


async def _claim(connection: asyncpg.Connection) -> _Outgoing | bool:
    """The next due mail, leased to this worker; True when one was settled without a send
    (its recipient may no longer see its ticket: asked again now, rules.refusal), False
    when none is due."""
    mail = await repository.claim(connection, lease=LEASE)
    if mail is None:
        return False
    recipient = await accounts.by_id(connection, user_id=mail.to_user_id)
    assert recipient is not None  # the mail goes with its recipient's account
    tickets = await repository.tickets_by_id(connection, {mail.ticket_id})
    reason = refusal(recipient, tickets.get(mail.ticket_id))
    if reason is not None:
        await repository.give_up(connection, mail_id=mail.id, reason=reason)
        return True
    return _Outgoing(
        mail=mail,
        data=await repository.event_data(connection, event_id=mail.event_id),
        recipient=recipient,
        thread=await repository.thread(connection, ticket_id=mail.ticket_id),
    )


async def _send(message: EmailMessage, *, settings: Settings) -> str | None:
    """Why the mail was not sent, or None. Within one deadline, so that the lease outlasts
    the send."""
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            await deliver(message, settings=settings)
    except TimeoutError:
        return f"no complete answer within {TIMEOUT_SECONDS} s"
    except (aiosmtplib.SMTPException, OSError) as error:
        return printable(f"{type(error).__name__}: {error}")
    return None


async def _record(connection: asyncpg.Connection, mail: Claimed, error: str | None) -> None:
    """The send's outcome: sent, or to be retried (failed once past its retries). Nothing
    is written when the lease ran out meanwhile: the mail is another worker's."""
    if error is None:
        state, retry_at = MailState.sent, None
    else:
        now = await transaction_time(connection)
        retry_at = next_attempt(now=now, attempts=mail.attempts + 1, retry_until=mail.retry_until)
        state = MailState.pending if retry_at else MailState.failed
        log.info("mail not sent", extra={"mail_id": mail.id, "error": error})
    mine = await repository.record(
        connection, mail, state=state, error=error, next_attempt_at=retry_at
    )
    if not mine:
        log.warning("mail's lease ran out before its send was recorded", extra={"mail_id": mail.id})


async def send_next(database: Database, *, settings: Settings) -> bool:
    """Send the next due mail; False when none is due. Three steps, and no transaction
    open while the SMTP server is waited on: claim (committed), send, record."""
    async with database.connection() as connection, connection.transaction():
        claimed = await _claim(connection)
    if not isinstance(claimed, _Outgoing):
        return claimed
    message = compose(
        claimed.mail,
        claimed.data,
        claimed.recipient,
        settings=settings,
        thread=claimed.thread,
    )
    error = await _send(message, settings=settings)
    async with database.connection() as connection, connection.transaction():
        await _record(connection, claimed.mail, error)
    return True
