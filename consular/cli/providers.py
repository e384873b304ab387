"""`consular providers`: a post's roster of counsel, interpreters and support organisations."""

from __future__ import annotations

from typing import Annotated

import typer

from consular.auth.service import Actor
from consular.cli.context import command_unit
from consular.phones import shown_phone
from consular.referrals.service import ProviderFields, add_provider, list_providers, parse_languages

app = typer.Typer(no_args_is_help=True, help="The roster of counsel, interpreters and support.")


@app.command("list")
def index(
    kind: Annotated[str, typer.Option("--kind", help="lawyer, interpreter, ngo or medical")] = "",
    language: Annotated[str, typer.Option("--language", help="A language code: ko, en")] = "",
) -> None:
    """The roster, every post's, by name: kind, languages, phone, e-mail, active or not."""
    with command_unit(write=False) as db:
        for provider in list_providers(db, Actor.operator(), kind=kind, language=language):
            state = "" if provider.active else " (inactive)"
            typer.echo(
                f"{provider.id}  {provider.name}{state}  [{provider.kind}; "
                f"{','.join(provider.languages) or '-'}]  {shown_phone(provider.phone) or '-'}  "
                f"{provider.email or '-'}"
            )


@app.command("add")
def add(
    post: Annotated[str, typer.Option("--post", help="The post's name")],
    name: Annotated[str, typer.Option("--name", help="Name of the firm, person or organisation")],
    kind: Annotated[str, typer.Option("--kind", help="lawyer, interpreter, ngo or medical")],
    languages: Annotated[str, typer.Option("--languages", help="Codes: ko,en")] = "",
    phone: Annotated[str, typer.Option("--phone", help="As written; stored in E.164")] = "",
    email: Annotated[str, typer.Option("--email")] = "",
    areas: Annotated[str, typer.Option("--areas", help="Immigration law, Georgia…")] = "",
    notes: Annotated[str, typer.Option("--notes")] = "",
) -> None:
    """Add an entry to a post's roster (audited); a bad phone is refused with the reason."""
    fields = ProviderFields(
        name=name,
        kind=kind,
        languages=parse_languages(languages),
        phone=phone,
        email=email,
        areas=areas,
        notes=notes,
    )
    with command_unit() as db:
        provider = add_provider(db, Actor.operator(), fields, post_name=post)
        typer.echo(f"added {provider.name} ({provider.id}) {provider.phone}")
