"""Who is told what, from an event: the requester when the desk replies in public and when
the ticket is resolved; the assignee when a ticket is assigned to them and when the
requester replies. Nobody is told of their own doing, nor of an internal note; and nobody
is mailed what they could not read in the desk."""

from typing import Any

from helpdesk.auth.models import User
from helpdesk.events.models import EventType
from helpdesk.mail.models import MailKind
from helpdesk.tickets.permissions import Requested, can_view

STAFF = ("agent", "admin")


def notifications(event_type: str, data: dict[str, Any]) -> list[tuple[int, MailKind]]:
    """(user id, kind) for each mail the event calls for."""
    ticket = data["ticket"]
    requester, assignee = ticket["requester_id"], ticket["assignee_id"]
    actor = (data.get("actor") or {}).get("id")
    mails: list[tuple[int, MailKind]] = []
    if event_type == EventType.comment_created:
        comment = data["comment"]
        author = comment["author"]
        if comment["internal"]:
            return []
        if author["role"] in STAFF and author["id"] != requester:
            mails.append((requester, MailKind.reply))
        elif author["id"] == requester and assignee is not None and assignee != requester:
            mails.append((assignee, MailKind.requester_replied))
    elif event_type == EventType.ticket_updated:
        changes = data.get("changes", {})
        status = changes.get("status")
        if status and status["new"] == "resolved" and actor != requester:
            mails.append((requester, MailKind.resolved))
        assigned = changes.get("assignee_id")
        if assigned and assigned["new"] is not None and assigned["new"] != actor:
            mails.append((assigned["new"], MailKind.assigned))
    return mails


def refusal(recipient: User, ticket: Requested | None) -> str | None:
    """Why `recipient` may not be mailed about `ticket` as both stand now, or None: a mail
    carries the ticket, so it goes only to whom the API would show the ticket (the same
    rule), asked when the mail is made and again just before it is sent (an agent demoted
    meanwhile no longer sees other people's tickets)."""
    if not recipient.active:
        return "the recipient's account is deactivated"
    if ticket is None or not can_view(recipient, ticket):
        return "the recipient may not see the ticket"
    return None
