"""The `consular` command line: thin shells over the same services as the API."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from consular.api_schema import Language
from consular.auth.service import (
    Actor,
    create_token,
    create_user,
    generate_password,
    get_or_create_post,
    revoke_token,
)
from consular.cli import audit as audit_cli
from consular.cli import broadcasts as broadcasts_cli
from consular.cli import cases as cases_cli
from consular.cli import facilities as facilities_cli
from consular.cli import families as families_cli
from consular.cli import flights as flights_cli
from consular.cli import imports as imports_cli
from consular.cli import incidents as incidents_cli
from consular.cli import keys as keys_cli
from consular.cli import match as match_cli
from consular.cli import reentry as reentry_cli
from consular.cli import registry as registry_cli
from consular.cli import reminders as reminders_cli
from consular.cli import screen as screen_cli
from consular.cli import team as team_cli
from consular.cli import visits as visits_cli
from consular.cli.context import command_unit, database_problem, fail, field_message, state
from consular.config import Settings, UnsafeSettings, get_settings, unsafe_settings
from consular.sealing import KeyProblem, install, source_of

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="consular: registry, incidents, source lists and consular cases.",
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
post_app = typer.Typer(no_args_is_help=True, help="Diplomatic posts (embassies, consulates).")
user_app = typer.Typer(no_args_is_help=True, help="User accounts.")
token_app = typer.Typer(no_args_is_help=True, help="API tokens.")
app.add_typer(db_app, name="db")
app.add_typer(imports_cli.app, name="import")
app.add_typer(incidents_cli.app, name="incident")
incidents_cli.app.add_typer(team_cli.app, name="team")
app.add_typer(cases_cli.app, name="cases")
app.add_typer(families_cli.app, name="family-code")
app.add_typer(flights_cli.app, name="flight")
app.add_typer(broadcasts_cli.app, name="broadcast")
app.add_typer(facilities_cli.app, name="facilities")
app.add_typer(reentry_cli.app, name="reentry")
app.add_typer(registry_cli.app, name="registry")
app.add_typer(reminders_cli.app, name="reminders")
app.add_typer(visits_cli.app, name="visits")
app.add_typer(post_app, name="post")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(keys_cli.app, name="keys")
app.command("match")(match_cli.match)
app.command("screen")(screen_cli.screen_plan)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (else CONSULAR_DATABASE_URL)")
]
LangOption = Annotated[
    Language,
    typer.Option(
        "--lang", envvar="CONSULAR_LANG", help="Language of the refusals: en (default) or ko"
    ),
]


@app.callback()
def main(db: DbOption = None, lang: LangOption = Language.EN) -> None:
    try:
        get_settings()
    except ValidationError as exc:
        fail(
            f"invalid setting: {field_message(exc.errors()[0])} "
            "(check the CONSULAR_ environment variables and .env)",
            2,
        )
    state.use(db)
    state.language = lang.value


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration up to the newest schema."""
    from consular.migrate import upgrade

    try:
        upgrade(state.engine)
    except OperationalError as exc:
        fail(database_problem(exc))
    except KeyProblem as exc:
        fail(str(exc), 2)
    typer.echo(f"database at head: {state.engine.url.render_as_string(hide_password=True)}")


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Send what is due, then stop")] = False,
    batch: Annotated[
        int, typer.Option(help="Messages sent per round, each taken just before it is sent")
    ] = 50,
) -> None:
    """Send the messages to families and officers waiting in the outbox (runs until
    stopped), and write the officers' reminders as they fall due."""
    from consular.notifications.worker import Batch, run_forever, run_once, scan_reminders

    settings = get_settings()
    _refuse_unsafe(settings)

    def report(done: Batch) -> None:
        typer.echo(
            f"sent {done.sent}, to retry {done.failed}, given up {done.dead}, "
            f"waiting for a channel {done.waiting}"
            + (f", taken over by another worker {done.lost}" if done.lost else "")
        )
        for line in done.errors:
            typer.echo(f"  {line}", err=True)

    def outage(exc: DBAPIError, wait: float) -> None:
        reason = " ".join(str(exc.orig).split())  # psycopg's hint comes on a line of its own
        typer.echo(f"database unavailable, trying again in {wait:.0f} s: {reason}", err=True)

    if once:
        scan_reminders(state.factory, settings)
        report(run_once(state.factory, settings, limit=batch))
        return
    typer.echo("sending messages to families; stop with Ctrl-C")
    try:
        run_forever(state.factory, settings, limit=batch, report=report, on_outage=outage)
    except KeyboardInterrupt:
        typer.echo("stopped")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Serve the web API."""
    _serve(host, port, demo=False)


def _refuse_unsafe(settings: Settings, host: str | None = None) -> None:
    problems = unsafe_settings(settings, host)
    if problems:
        fail("refusing to start: " + "; ".join(problems), 2)


def _serve(host: str | None, port: int | None, *, demo: bool) -> None:
    import uvicorn

    from consular.app import create_app

    settings = get_settings().model_copy(update={"database_url": state.url})
    listen = host or settings.host
    if not demo:
        _refuse_unsafe(settings, listen)
    try:
        application = create_app(settings, check_settings=not demo)
    except UnsafeSettings as exc:  # the data key (4.5): missing or not the database's
        fail(str(exc), 2)
    uvicorn.run(
        application,
        host=listen,
        port=port or settings.port,
        log_level="info",
    )


@app.command()
def demo(
    db: DbOption = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the demo, do not serve it")
    ] = False,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed builds the same demo")
    ] = 2025,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Build the model case (Ellabell, Georgia, September 2025) in a fresh database and serve it."""
    from consular.demo.build import DemoRefused, build_demo, demo_key_file

    if db:
        state.use(db)
    settings = get_settings()
    if not (settings.data_key or settings.data_key_file):
        # The demo seals its synthetic identifiers too, under a key file of its own.
        os.environ["CONSULAR_DATA_KEY_FILE"] = str(demo_key_file(state.url).resolve())
        get_settings.cache_clear()
    install(source_of(get_settings()))
    try:
        logins = build_demo(state.url, seed=seed, echo=typer.echo)
    except DemoRefused as exc:
        fail(str(exc))
    with command_unit() as session:
        token = create_token(session, Actor.operator(), "officer.kim")
    typer.echo("\nDemo logins (user / role / password):")
    for name, role, password in logins:
        typer.echo(f"  {name:<18} {role:<12} {password}")
    typer.echo(f"\nAPI token for officer.kim: {token}")
    typer.echo(f"  curl -H 'Authorization: Bearer {token}' http://{host}:{port}/api/v1/incidents")
    if not no_serve:
        typer.echo(
            f"\nServing http://{host}:{port}  (OpenAPI: http://{host}:{port}/api/v1/openapi.json)"
        )
        # The demo serves synthetic people on loopback: the start-up refusals do not apply.
        _serve(host, port, demo=True)


@post_app.command("create")
def post_create(
    name: Annotated[str, typer.Argument(help="The post's name in English")],
    name_ko: Annotated[str, typer.Option("--name-ko", help="The post's name in Korean")] = "",
    country: Annotated[str, typer.Option(help="Host country, ISO alpha-3")] = "USA",
    city: Annotated[str, typer.Option(help="City")] = "",
    time_zone: Annotated[str, typer.Option(help="IANA time zone, e.g. America/New_York")] = "UTC",
    phone: Annotated[str, typer.Option(help="Public phone number, given to families")] = "",
) -> None:
    """Add a post (or show the existing one of that name)."""
    with command_unit() as db:
        post = get_or_create_post(
            db, name, name_ko=name_ko, country=country, city=city, time_zone=time_zone, phone=phone
        )
        typer.echo(f"{post.id}  {post.name}  {post.name_ko}".rstrip())


@user_app.command("create")
def user_create(
    name: str,
    role: Annotated[str, typer.Option(help="admin, supervisor, officer, viewer or employer_hr")],
    post: Annotated[str | None, typer.Option(help="Post the user works for")] = None,
    employer: Annotated[str | None, typer.Option(help="Employer (employer_hr users)")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create a user; prints a generated password unless one is given on standard input."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else generate_password()
    with command_unit() as db:
        user = create_user(
            db,
            Actor.operator(),
            name=name,
            role=role,
            password=password,
            post=post,
            employer=employer,
        )
    typer.echo(f"created {user.name} ({user.role})")
    if not password_stdin:
        typer.echo(f"password: {password}")


@user_app.command("unlock")
def user_unlock(name: str) -> None:
    """Forget a user's failed sign-ins at every address, so the user may sign in at once."""
    from consular.auth.sessions import clear_sign_in_failures

    with command_unit() as db:
        cleared = clear_sign_in_failures(db, Actor.operator(), name)
    typer.echo(f"unlocked {name}: {cleared} failed sign-in(s) forgotten")


@user_app.command("contact")
def user_contact(
    user: Annotated[str, typer.Option("--user", help="The user's name")],
    email: Annotated[str, typer.Option(help="E-mail for reminders (empty: none)")] = "",
    phone: Annotated[str, typer.Option(help="Phone for SMS reminders (empty: none)")] = "",
) -> None:
    """Set the e-mail and phone where a user's deadline reminders reach them."""
    from consular.auth.contact import set_contact
    from consular.phones import shown_phone

    with command_unit() as db:
        found = set_contact(db, Actor.operator(), user, email=email, phone=phone)
        shown = shown_phone(found.phone) or "—"
        typer.echo(f"{found.name}: e-mail {found.email or '—'}, phone {shown}")


@token_app.command("create")
def token_create(name: str) -> None:
    """Create an API token for a user; it is shown once."""
    with command_unit() as db:
        token = create_token(db, Actor.operator(), name)
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(
    prefix: Annotated[str, typer.Argument(help="The token's first 10 characters")],
) -> None:
    """Revoke an API token (for example one that was lost)."""
    with command_unit() as db:
        revoke_token(db, Actor.operator(), prefix)
    typer.echo(f"revoked {prefix}")
