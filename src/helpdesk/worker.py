"""`helpdesk worker`: the background process. It fans each new event out to the webhooks
that want it and to the mails it calls for; sends the deliveries (several at once, at most
DELIVERIES_PER_ENDPOINT to one endpoint) and the mails, each claimed in a short transaction
and its outcome recorded in another, none open while a receiver or a mail server is waited
on (a crash leaves it to be sent again once its lease runs out); records SLA breaches as
they happen; and deletes Idempotency-Key records past their lifetime
(IDEMPOTENCY_PURGE_EVERY_SECONDS). All of it on one asyncpg pool. Woken by the events'
NOTIFY, and every second for retries that fall due. Any number of workers, on any number of
hosts, may run against one database: rows are taken with SKIP LOCKED. SIGTERM: each
delivery and mail in flight is finished, then the process exits."""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

import asyncpg

from helpdesk.config import Settings, to_plain_url
from helpdesk.db.pool import Database
from helpdesk.events.service import CHANNEL
from helpdesk.idempotency.purge import purge_periodically
from helpdesk.mail import sender as mail
from helpdesk.tickets.breaches import Target, record_breaches
from helpdesk.webhooks import attempt
from helpdesk.webhooks.delivery import InFlight, deliver_next, fan_out

DELIVERIES_AT_ONCE = 8
MAILS_AT_ONCE = 2
POLL_SECONDS = 1.0
BREACH_CHECK_SECONDS = 10.0
# Besides the senders': the fan-out's, the breach checks' and the key purge's.
BACKGROUND_CONNECTIONS = 3

log = logging.getLogger("helpdesk.worker")


async def _in_transaction(
    database: Database, work: Callable[[asyncpg.Connection], Awaitable[int]]
) -> int:
    async with database.connection() as connection, connection.transaction():
        return await work(connection)


class Worker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stopping = asyncio.Event()
        self.events = asyncio.Event()  # a new event committed
        self.deliveries = asyncio.Event()  # new deliveries to send
        self.mails = asyncio.Event()  # new mails to send

    async def run(self) -> None:
        # Each sender holds a connection only to claim and to record, never while it waits
        # on a receiver or a mail server; one each all the same, so that none waits for one.
        database = Database(
            self.settings.sqlalchemy_url,
            size=DELIVERIES_AT_ONCE + MAILS_AT_ONCE + BACKGROUND_CONNECTIONS,
            statement_cache_size=self.settings.database_statement_cache_size,
        )
        listener = await asyncpg.connect(to_plain_url(self.settings.listen_url))
        await listener.add_listener(CHANNEL, lambda *_: self.events.set())
        client = attempt.client()
        try:
            background = [
                asyncio.create_task(self._fan_out(database)),
                asyncio.create_task(self._breaches(database)),
            ]
            if self.settings.idempotency_purge_every_seconds > 0:
                every = self.settings.idempotency_purge_every_seconds
                background.append(
                    asyncio.create_task(purge_periodically(database, every_seconds=every))
                )
            allow_private = self.settings.webhook_allow_private_targets
            in_flight = InFlight()

            async def delivery() -> bool:
                return await deliver_next(database, client, in_flight, allow_private=allow_private)

            async def one_mail() -> bool:
                return await mail.send_next(database, settings=self.settings)

            senders = [
                asyncio.create_task(self._drain(delivery, self.deliveries, "delivery"))
                for _ in range(DELIVERIES_AT_ONCE)
            ] + [
                asyncio.create_task(self._drain(one_mail, self.mails, "mail"))
                for _ in range(MAILS_AT_ONCE)
            ]
            log.info("worker started", extra={"deliveries_at_once": DELIVERIES_AT_ONCE})
            await self.stopping.wait()
            for task in background:
                task.cancel()
            # Senders stop between deliveries: the one in flight is finished.
            await asyncio.gather(*senders, *background, return_exceptions=True)
        finally:
            await client.aclose()
            await listener.close()
            await database.close()
            log.info("worker stopped")

    def stop(self) -> None:
        self.stopping.set()
        self.deliveries.set()
        self.mails.set()

    async def _wait(self, event: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
        event.clear()

    async def _fan_out(self, database: Database) -> None:
        async def mails(connection: asyncpg.Connection) -> int:
            return await mail.fan_out(connection, settings=self.settings)

        while True:
            try:
                while await _in_transaction(database, fan_out):
                    self.deliveries.set()
                while await _in_transaction(database, mails):
                    self.mails.set()
            except Exception:
                log.exception("fan-out failed; trying again")
            await self._wait(self.events, POLL_SECONDS)
            # Retries fall due with time, not with events.
            self.deliveries.set()
            self.mails.set()

    async def _drain(
        self, send_next: Callable[[], Awaitable[bool]], woken_by: asyncio.Event, what: str
    ) -> None:
        """Send one item after another until none is due; then wait to be woken (or a
        second). Stops between items."""
        while not self.stopping.is_set():
            try:
                sent = await send_next()
            except Exception:
                log.exception("%s failed; trying again", what)
                sent = False
            if not sent and not self.stopping.is_set():
                await self._wait(woken_by, POLL_SECONDS)

    async def _breaches(self, database: Database) -> None:
        """Each target's breaches, a batch per transaction, on the pool the API's ticket
        writes use (the same statements: tickets/breaches.py)."""
        while True:
            for target in Target:
                try:
                    while True:
                        async with (
                            database.connection() as connection,
                            connection.transaction(),
                        ):
                            recorded = await record_breaches(connection, target=target)
                        if not recorded:
                            break
                except Exception:
                    log.exception("breach check failed; trying again")
            await asyncio.sleep(BREACH_CHECK_SECONDS)


async def run(settings: Settings) -> None:
    worker = Worker(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    await worker.run()
