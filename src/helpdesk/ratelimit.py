"""Rate limits: per user for the API, per client address and per email for login and
registration. The `limits` library counts them over a moving window, in Redis when
REDIS_URL is set (so every API process shares the counters) and in this process's memory
otherwise. Each limited response carries the `RateLimit-Policy` and `RateLimit` headers of
draft-ietf-httpapi-ratelimit-headers; a refused request is 429 RATE_LIMIT with Retry-After.

If Redis cannot be reached the request goes through (and the failure is logged): a
broken limiter must not take the support desk down with it."""

import logging
import math
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from helpdesk import metrics
from helpdesk.config import Settings
from helpdesk.errors import RateLimited

REDIS_TIMEOUT_SECONDS = 0.5
REDIS_KEY_PREFIX = "helpdesk-ratelimit"

log = logging.getLogger("helpdesk.ratelimit")


@dataclass(frozen=True, slots=True)
class Policy:
    name: str  # as it appears in the RateLimit headers
    item: RateLimitItem | None  # None: this limit is off

    @classmethod
    def per_minute(cls, name: str, amount: int) -> "Policy":
        return cls(name, RateLimitItemPerMinute(amount) if amount > 0 else None)


@dataclass(frozen=True, slots=True)
class Quota:
    """Where one caller stands against one policy, after this request."""

    policy: str
    limit: int
    window_seconds: int
    remaining: int
    reset_seconds: int


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self.storage: Storage
        if settings.redis_url:
            self.storage = RedisStorage(
                "async+" + settings.redis_url,
                wrap_exceptions=True,
                key_prefix=REDIS_KEY_PREFIX,
                connect_timeout=REDIS_TIMEOUT_SECONDS,
                stream_timeout=REDIS_TIMEOUT_SECONDS,
            )
        else:
            self.storage = MemoryStorage()
        self._strategy = MovingWindowRateLimiter(self.storage)
        self.api = Policy.per_minute("api", settings.rate_limit_api_per_minute)
        self.auth_address = Policy.per_minute("auth-address", settings.rate_limit_auth_per_minute)
        self.auth_email = Policy.per_minute("auth-email", settings.rate_limit_auth_per_minute)

    async def hit(self, request: Request, policy: Policy, key: str) -> None:
        """Count one request against `policy` for `key`; 429 when it is over the limit."""
        item = policy.item
        if item is None:
            return
        try:
            allowed = await self._strategy.hit(item, policy.name, key)
            stats = await self._strategy.get_window_stats(item, policy.name, key)
        except (StorageError, OSError, TimeoutError):
            log.exception("rate limiter storage unavailable; %s not enforced", policy.name)
            return
        quota = Quota(
            policy=policy.name,
            limit=item.amount,
            window_seconds=item.get_expiry(),
            remaining=max(stats.remaining, 0),
            reset_seconds=max(math.ceil(stats.reset_time - time.time()), 0),
        )
        request.state.rate_limits = [*getattr(request.state, "rate_limits", []), quota]
        if not allowed:
            metrics.RATE_LIMITED.labels(policy.name).inc()
            raise RateLimited(retry_after=max(quota.reset_seconds, 1))


def rate_limit_headers(state: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """The draft's headers for the quotas this request was counted against, if any:
    `RateLimit-Policy: "api";q=300;w=60` and `RateLimit: "api";r=299;t=60`."""
    quotas: list[Quota] = state.get("rate_limits", [])
    if not quotas:
        return []
    policies = ", ".join(f'"{q.policy}";q={q.limit};w={q.window_seconds}' for q in quotas)
    current = ", ".join(f'"{q.policy}";r={q.remaining};t={q.reset_seconds}' for q in quotas)
    return [(b"ratelimit-policy", policies.encode()), (b"ratelimit", current.encode())]


async def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    """The caller's address; behind a proxy, uvicorn's --forwarded-allow-ips makes this the
    real client's rather than the proxy's."""
    return request.client.host if request.client else "unknown"


async def limit_auth_by_address(request: Request, limiter: RateLimiterDep) -> None:
    """Login and registration attempts per client address (before the body is trusted)."""
    await limiter.hit(request, limiter.auth_address, client_address(request))


async def limit_auth_by_email(request: Request, limiter: RateLimiter, email: str) -> None:
    """Login and registration attempts per email (as the request schemas normalize it),
    whatever address they come from."""
    await limiter.hit(request, limiter.auth_email, email)
