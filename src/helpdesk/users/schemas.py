"""What an admin sends to change someone's account."""

from pydantic import StrictBool

from helpdesk.auth.models import Role
from helpdesk.auth.schemas import PersonName
from helpdesk.schemas import PatchModel


class UserUpdate(PatchModel):
    """PATCH /api/users/{id}: at least one field; those left out stay as they are."""

    NOT_NULLABLE = ("role", "name", "active")

    role: Role | None = None
    name: PersonName | None = None
    active: StrictBool | None = None
