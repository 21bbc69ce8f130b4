"""Access tokens: HS256 JWTs with sub, role, ver, iat, exp, iss, aud; verified with the
algorithm pinned. `ver` is the account's token_version when the token was issued: a
password change bumps it, which revokes every older token."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Request

from helpdesk.config import Settings
from helpdesk.errors import Unauthorized
from helpdesk.schemas import MAX_ID

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What the server reads from a token; the role is read from the account, not here."""

    user_id: int
    token_version: int
    # A stream token's own id (it opens one stream, events/streams.py); None for an
    # access token.
    token_id: str | None = None
    expires_at: datetime | None = None


def issue_token(*, user_id: int, role: str, token_version: int, settings: Settings) -> IssuedToken:
    now = datetime.now(UTC)
    expires_at = now + timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "role": role,
        "ver": token_version,
        "iat": now,
        "exp": expires_at,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    return IssuedToken(jwt.encode(claims, settings.secret, algorithm=ALGORITHM), expires_at)


def read_token(token: str, *, settings: Settings) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            settings.secret,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "role", "ver", "iat", "exp", "iss", "aud"]},
        )
        user_id = int(claims["sub"])
        if not 1 <= user_id <= MAX_ID:
            raise ValueError("sub out of range")
        return TokenClaims(user_id=user_id, token_version=int(claims["ver"]))
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Token has expired") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise Unauthorized("Invalid token") from None


def bearer_user_id(request: Request, *, settings: Settings) -> int | None:
    """The account a request's valid bearer token names, read without the database: to
    choose where the request reads (db/replicas.py), never to let it in."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return read_token(token.strip(), settings=settings).user_id
    except Unauthorized:
        return None


# A stream token opens the live event stream and nothing else (its audience is its own),
# for browsers' EventSource, which cannot send an Authorization header: it travels in the
# URL, so it lives a minute, and opens one stream (its `jti` is spent when it does).
STREAM_TOKEN_SECONDS = 60
STREAM_AUDIENCE_SUFFIX = ":events-stream"
MAX_TOKEN_ID_LENGTH = 64


def issue_stream_token(*, user_id: int, token_version: int, settings: Settings) -> IssuedToken:
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=STREAM_TOKEN_SECONDS)
    claims = {
        "sub": str(user_id),
        "ver": token_version,
        "iat": now,
        "exp": expires_at,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience + STREAM_AUDIENCE_SUFFIX,
        "jti": uuid.uuid4().hex,
    }
    return IssuedToken(jwt.encode(claims, settings.secret, algorithm=ALGORITHM), expires_at)


def read_stream_token(token: str, *, settings: Settings) -> TokenClaims:
    try:
        claims = jwt.decode(
            token,
            settings.secret,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience + STREAM_AUDIENCE_SUFFIX,
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "ver", "iat", "exp", "iss", "aud", "jti"]},
        )
        user_id = int(claims["sub"])
        if not 1 <= user_id <= MAX_ID:
            raise ValueError("sub out of range")
        token_id = claims["jti"]
        if not isinstance(token_id, str) or not 1 <= len(token_id) <= MAX_TOKEN_ID_LENGTH:
            raise ValueError("jti")
        return TokenClaims(
            user_id=user_id,
            token_version=int(claims["ver"]),
            token_id=token_id,
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Stream token has expired") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise Unauthorized("Invalid stream token") from None
