import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr
from pydantic_core import PydanticCustomError

from helpdesk import text
from helpdesk.auth.models import Role, User
from helpdesk.auth.passwords import MAX_PASSWORD_BYTES, MIN_PASSWORD_BYTES
from helpdesk.schemas import RequestModel, Trimmed

MAX_NAME_LENGTH = 100
MAX_EMAIL_LENGTH = 254
# Deliberately loose: one @, something on each side, no spaces. "admin@my" is valid here.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def normalize_email(email: str) -> str:
    """Emails are compared and stored in one spelling: NFKC (a full-width "admin@my" is
    "admin@my"), lower-case, without surrounding spaces."""
    return text.compatible(email).strip().lower()


def _email(value: str) -> str:
    value = normalize_email(value)
    if not value:
        raise PydanticCustomError("field_required", "must not be blank")
    if text.has_invisible(value):
        raise PydanticCustomError("email_invisible", "must not contain invisible characters")
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(value):
        raise PydanticCustomError("email_invalid", "is not a valid email address")
    local, domain = value.rsplit("@", 1)
    if text.mixes_scripts(local) or any(text.mixes_scripts(label) for label in domain.split(".")):
        # "admin@my" with a Cyrillic a (U+0430) would pass for the admin's address.
        raise PydanticCustomError(
            "email_mixed_scripts", "must not mix letters of different scripts in one part"
        )
    return value


def _name(value: str) -> str:
    """Names are shown beside every comment: one spelling, nothing invisible in them."""
    return text.without_invisible(text.compatible(value))


def _password(value: str) -> str:
    if not value:
        raise PydanticCustomError("field_required", "must not be blank")
    size = len(value.encode())
    if not MIN_PASSWORD_BYTES <= size <= MAX_PASSWORD_BYTES:
        raise PydanticCustomError(
            "password_length",
            "must be {min} to {max} bytes long",
            {"min": MIN_PASSWORD_BYTES, "max": MAX_PASSWORD_BYTES},
        )
    return value


def _given_password(value: str) -> str:
    # No account can have a longer one (bcrypt reads 72 bytes): refuse it before any work.
    if len(value.encode()) > MAX_PASSWORD_BYTES:
        raise PydanticCustomError(
            "password_length", "must be at most {max} bytes long", {"max": MAX_PASSWORD_BYTES}
        )
    return value


Email = Annotated[StrictStr, AfterValidator(_email)]
NewPassword = Annotated[StrictStr, AfterValidator(_password)]
GivenPassword = Annotated[
    StrictStr, Field(max_length=MAX_PASSWORD_BYTES), AfterValidator(_given_password)
]


PersonName = Annotated[StrictStr, AfterValidator(_name), Trimmed(1, MAX_NAME_LENGTH)]


class RegisterIn(RequestModel):
    name: PersonName
    email: Email
    password: NewPassword
    role: Role = Role.user


class Person(BaseModel):
    """Someone a ticket names (its requester and assignee, a comment's author, an entry's
    actor) as the desk names them; the email only where the reader may have it (staff:
    tickets/permissions.py), left out of the JSON otherwise."""

    id: int
    name: str
    role: Role
    email: str | None = Field(
        default=None,
        exclude_if=lambda email: email is None,
        description="To agents and admins only",
    )

    @classmethod
    def of(cls, user: User, *, with_email: bool = False) -> "Person":
        return cls(
            id=user.id,
            name=user.name,
            role=Role(user.role),
            email=user.email if with_email else None,
        )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    role: Role
    # False: deactivated by an admin; it cannot sign in, and its tickets and comments keep
    # its name.
    active: bool
    created_at: datetime


class ProfileUpdate(RequestModel):
    """What a signed-in person changes of their own account (PATCH /api/me)."""

    name: PersonName


class LoginIn(RequestModel):
    email: Annotated[
        StrictStr, Field(max_length=MAX_EMAIL_LENGTH * 2), AfterValidator(normalize_email)
    ]
    password: GivenPassword


class PasswordChangeIn(RequestModel):
    current_password: GivenPassword
    new_password: NewPassword


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_at: datetime
    user: UserOut
