"""`helpdesk serve | worker | migrate | seed-demo | create-user | purge-idempotency-keys`."""

import asyncio
import getpass
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError

from helpdesk import migrate as migrations
from helpdesk import worker as background
from helpdesk.auth import service as accounts
from helpdesk.auth.models import Role
from helpdesk.auth.schemas import RegisterIn
from helpdesk.config import Settings, development_secret, get_settings
from helpdesk.db.embedded import EmbeddedPostgres
from helpdesk.db.pool import Database
from helpdesk.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo_accounts
from helpdesk.http_protocol import BoundedHttpToolsProtocol
from helpdesk.idempotency.purge import purge_expired
from helpdesk.logs import configure_logging, logging_config
from helpdesk.metrics import MULTIPROCESS_DIR

app = typer.Typer(help="The helpdesk service.", no_args_is_help=True)
log = logging.getLogger("helpdesk.cli")


@contextmanager
def database(settings: Settings) -> Iterator[Settings]:
    """The settings with a database to use: DATABASE_URL's, or an embedded PostgreSQL
    started for the duration (and stopped after, unless another process still uses it).
    The app's processes read what was chosen here from the environment: the database, the
    environment as resolved (development on the embedded one unless HELPDESK_ENV says
    otherwise), and outside production the made-up secret when none was given."""
    embedded = None
    if settings.database_url is None:
        embedded = EmbeddedPostgres(settings.helpdesk_data_dir)
        os.environ["DATABASE_URL"] = embedded.start()
        typer.echo(f"embedded PostgreSQL running, data in {embedded.data_dir}")
    os.environ["HELPDESK_ENV"] = settings.environment.value
    if not settings.jwt_secret and not settings.is_production:
        os.environ["JWT_SECRET"] = development_secret(settings.helpdesk_data_dir)
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        if embedded is not None:
            embedded.stop()
            typer.echo("embedded PostgreSQL stopped")


async def _with_database(settings: Settings, work: Callable[[Database], Awaitable[None]]) -> None:
    database = Database(
        settings.sqlalchemy_url,
        size=1,
        statement_cache_size=settings.database_statement_cache_size,
    )
    try:
        await work(database)
    finally:
        await database.close()


def _seed_demo(settings: Settings) -> None:
    async def work(database: Database) -> None:
        created = await seed_demo_accounts(database, bcrypt_rounds=settings.bcrypt_rounds)
        for email in created:
            typer.echo(f"created demo account {email}")

    asyncio.run(_with_database(settings, work))


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        for problem in error.errors():
            # The variable to fix (HELPDESK_ENV), when the problem is one setting's.
            where = "".join(f"{str(part).upper()}: " for part in problem["loc"][:1])
            message = problem["msg"].removeprefix("Value error, ")
            typer.echo(f"configuration error: {where}{message}", err=True)
        raise typer.Exit(2) from None


class _Stopped(Exception):
    pass


def _raise_stopped(signum: int, frame: object) -> None:
    raise _Stopped


@contextmanager
def _stop_signals_end_normally() -> Iterator[None]:
    """uvicorn finishes in-flight requests on SIGTERM/SIGINT, then re-raises the signal to
    the handler that was there before it. Ours turns it into a normal return, so the
    embedded PostgreSQL is stopped and the process exits 0."""
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except _Stopped:
        typer.echo("stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@app.callback()
def _main() -> None:
    configure_logging()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: $HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="Default: $PORT or 5000")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    with_worker: Annotated[
        bool, typer.Option(help="Also run `helpdesk worker` beside it (as `make run` does)")
    ] = False,
) -> None:
    """Apply migrations and serve the API. Without DATABASE_URL: on an embedded
    PostgreSQL, with the demo accounts."""
    with database(_settings()) as settings:
        asyncio.run(migrations.upgrade(settings.sqlalchemy_url))
        if settings.has_demo_accounts:
            _seed_demo(settings)
            accounts = ", ".join(email for _, email, _ in DEMO_ACCOUNTS)
            typer.echo(f"demo accounts: {accounts} (password {DEMO_PASSWORD})")
        # After the migrations: the worker's own check then finds nothing to apply.
        with (
            _background_worker(with_worker),
            _metrics_shared_by(workers),
            _stop_signals_end_normally(),
        ):
            uvicorn.run(
                "helpdesk.main:create_app",
                factory=True,
                host=host or settings.host,
                port=port or settings.port,
                workers=workers,
                server_header=False,
                # httptools, reading at most a bounded head per request.
                http=BoundedHttpToolsProtocol,
                proxy_headers=settings.forwarded_allow_ips is not None,
                forwarded_allow_ips=settings.forwarded_allow_ips,
                access_log=False,  # helpdesk.access writes one JSON line per request
                log_config=logging_config(),  # applied in every worker process too
                # Then the requests still in flight are cancelled; live streams have ended
                # already (http_protocol.py).
                timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
            )


@contextmanager
def _metrics_shared_by(workers: int) -> Iterator[None]:
    """Several worker processes write their metrics to one directory, and GET /metrics
    reports them summed, whichever process answers (helpdesk/metrics.py); a fresh one per
    run, removed after, unless the operator chose one."""
    if workers == 1 or os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="helpdesk-metrics-") as directory:
        os.environ[MULTIPROCESS_DIR] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROCESS_DIR]


@contextmanager
def _background_worker(wanted: bool) -> Iterator[None]:
    """`helpdesk worker` in a process of its own for the duration, on the database chosen
    (the environment says which); stopped with SIGTERM, which lets it finish its
    deliveries."""
    if not wanted:
        yield
        return
    process = subprocess.Popen([sys.executable, "-m", "helpdesk.cli", "worker"])
    typer.echo(f"worker started (pid {process.pid})")
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        typer.echo("worker stopped")


@app.command()
def worker() -> None:
    """Run the background worker: webhook deliveries and SLA breaches. Without
    DATABASE_URL: on the embedded PostgreSQL (started if `helpdesk serve` has not)."""
    with database(_settings()) as settings:
        asyncio.run(migrations.upgrade(settings.sqlalchemy_url))
        asyncio.run(background.run(settings))


@app.command()
def migrate() -> None:
    """Apply every pending migration."""
    with database(_settings()) as settings:
        asyncio.run(migrations.upgrade(settings.sqlalchemy_url))
        typer.echo("migrations applied")


@app.command("purge-idempotency-keys")
def purge_idempotency_keys() -> None:
    """Delete the Idempotency-Key records older than their 24 hours, in batches."""
    with database(_settings()) as settings:
        asyncio.run(migrations.upgrade(settings.sqlalchemy_url))

        async def purge(database: Database) -> None:
            typer.echo(f"purged {await purge_expired(database)} idempotency keys")

        asyncio.run(_with_database(settings, purge))


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo accounts (admin@my, agent@my, user@my) if they are missing."""
    with database(_settings()) as settings:
        asyncio.run(migrations.upgrade(settings.sqlalchemy_url))
        _seed_demo(settings)


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Login email")],
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[Role, typer.Option(help="user, agent or admin")] = Role.user,
    password: Annotated[
        str | None, typer.Option(help="Default: read from $HELPDESK_PASSWORD or asked for")
    ] = None,
) -> None:
    """Create an account, e.g. the first admin of a production desk."""
    password = password or os.environ.get("HELPDESK_PASSWORD") or getpass.getpass("Password: ")
    data = RegisterIn.model_validate(
        {"name": name, "email": email, "password": password, "role": role.value}
    )
    with database(_settings()) as settings:
        asyncio.run(migrations.upgrade(settings.sqlalchemy_url))

        async def work(database: Database) -> None:
            created = await accounts.create_user_if_missing(
                database,
                name=data.name,
                email=data.email,
                password=data.password,
                role=data.role,
                bcrypt_rounds=settings.bcrypt_rounds,
            )
            if not created:
                raise typer.BadParameter(f"{data.email} already has an account")

        asyncio.run(_with_database(settings, work))
        typer.echo(f"created {data.role.value} {data.email}")


if __name__ == "__main__":
    app()
