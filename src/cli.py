"""The ``apdr`` command. Every command reads APDR_DATABASE_URL (an SQLite file by default)."""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.aggregates.evidence_pack import is_intact
from apdr.aggregates.user import normalise_email
from apdr.application import Actor
from apdr.config import Config
from apdr.errors import ApdrError, InvalidInput
from apdr.policies.runner import PolicyRunner
from apdr.projections.accounts import accounts_reaching
from apdr.projections.monitoring import registered_urns
from apdr.runtime import Apdr

app = typer.Typer(help="apdr: the SEN-support record of a school.", no_args_is_help=True)
settings_app = typer.Typer(help="Settings (schools).", no_args_is_help=True)
users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
projections_app = typer.Typer(help="Read models.", no_args_is_help=True)
policies_app = typer.Typer(help="Policies and the alerts they raise.", no_args_is_help=True)
app.add_typer(settings_app, name="settings")
app.add_typer(users_app, name="users")
app.add_typer(projections_app, name="projections")
app.add_typer(policies_app, name="policies")
packs_app = typer.Typer(help="Evidence packs.", no_args_is_help=True)
app.add_typer(packs_app, name="packs")
import_app = typer.Typer(
    help="Pupils from the school's MIS: a Common Transfer File or a CSV.", no_args_is_help=True
)
app.add_typer(import_app, name="import")

console = Console()
CLI = Actor.system("cli")


@contextmanager
def running() -> Iterator[Apdr]:
    """One apdr for the command, with mistakes reported as one line, not a traceback."""
    apdr = Apdr.open(Config())
    try:
        yield apdr
    except InvalidInput as error:
        # soft_wrap: one line however narrow the terminal, or when piped to a log.
        console.print(f"[red]{error.field}: {error.message}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    except ApdrError as error:
        console.print(f"[red]{error.message}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        apdr.close()


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="API worker processes")] = 1,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker/--no-worker",
            help="Also keep the read models current in this process (one process is enough for a school)",
        ),
    ] = True,
) -> None:
    """Serve the API (and, by default, the read models and scheduler) on HOST:PORT."""
    import uvicorn

    if workers > 1 and with_worker:
        console.print(
            "[yellow]several API workers: run the read models and scheduler once, with "
            "'apdr worker', and serve with --no-worker[/yellow]"
        )
        raise typer.Exit(2)
    factory = "apdr.api:serve_with_worker" if with_worker else "apdr.api:serve_api_only"
    console.print(f"apdr on http://{host}:{port}/docs  (database: {_database_label()})")
    uvicorn.run(factory, factory=True, host=host, port=port, workers=workers, log_level="info")


@app.command()
def worker() -> None:
    """Keep the read models current and run the daily policies: run exactly one."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    apdr = Apdr.open(Config())
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: apdr.read_models.stop())
    console.print(f"apdr worker following the log ({_database_label()})")
    apdr.start_scheduler()
    try:
        apdr.read_models.follow(poll_seconds=apdr.settings.projection_poll_seconds)
    finally:
        apdr.close()


@settings_app.command("add")
def add_setting(
    urn: Annotated[str, typer.Option(help="DfE Unique Reference Number")],
    name: Annotated[str, typer.Option(help="The setting's name")],
) -> None:
    """Register a setting."""
    with running() as apdr:
        setting_id = apdr.record.register_setting(CLI, urn=urn, name=name)
    console.print(f"setting {urn} registered: {setting_id}")


SettingsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--setting",
        help="URN of the user's setting; for an admin, of each setting they manage (repeat it for a trust)",
    ),
]
AllSettingsOption = Annotated[
    bool, typer.Option("--all-settings", help="For an admin: every setting, now and to come")
]


@users_app.command("add")
def add_user(
    email: str,
    role: Annotated[Role, typer.Option(help="admin, senco, teacher, ta or leader")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    setting: SettingsOption = None,
    all_settings: AllSettingsOption = False,
    staff_id: Annotated[str | None, typer.Option(help="The member of staff this user is (for a TA)")] = None,
) -> None:
    """Add a user with one role in one setting, or an admin of some settings (or of all)."""
    with running() as apdr:
        setting_ids = [apdr.record.setting_by_urn(urn).id for urn in setting or []]
        if role is Role.admin:
            home, admin_of = None, setting_ids
        elif len(setting_ids) > 1:
            raise InvalidInput("setting", f"{role.article} belongs to one setting, not {len(setting_ids)}")
        else:
            home, admin_of = (setting_ids[0] if setting_ids else None), []
        try:
            staff = UUID(staff_id) if staff_id else None
        except ValueError:
            raise InvalidInput("staff_id", f"{staff_id!r} is not an id") from None
        user_id = apdr.record.add_user(
            CLI,
            email=email,
            role=role,
            password=password,
            setting_id=home,
            staff_id=staff,
            admin_of=admin_of,
            all_settings=all_settings,
        )
    console.print(f"user {email} added as {role.value}: {user_id}")


@users_app.command("scope")
def scope_admin(email: str, setting: SettingsOption = None, all_settings: AllSettingsOption = False) -> None:
    """Give an admin the settings they manage (an admin made before scopes manages none until then)."""
    with running() as apdr:
        setting_ids = [apdr.record.setting_by_urn(urn).id for urn in setting or []]
        apdr.record.change_admin_scope(
            CLI, User.create_id(email), admin_of=setting_ids, all_settings=all_settings
        )
    managed = "every setting" if all_settings else ", ".join(setting or [])
    console.print(f"{normalise_email(email)} now manages {managed}")


@users_app.command("list")
def list_users(
    setting: Annotated[str | None, typer.Option(help="URN: only the accounts that reach it")] = None,
) -> None:
    """Every account (or those that can reach one setting's pupils): who made it, when, whether disabled."""
    with running() as apdr:
        setting_ids = [apdr.record.setting_by_urn(setting).id] if setting else None
        users = apdr.read_models.ask(accounts_reaching, setting_ids)
    table = Table("email", "role", "setting", "created by", "created", "disabled")
    for user in users:
        table.add_row(
            user["email"],
            user["role"].value,
            str(user["setting_id"] or ""),
            user["created_by"],
            f"{user['created_at']:%Y-%m-%d}",
            str(user["disabled_on"] or ""),
        )
    console.print(table)


@app.command()
def demo(
    as_of: Annotated[
        str | None, typer.Option(help="The demo's 'today' (default: APDR_TODAY, or today)")
    ] = None,
    seed: int = 7,
    scale: Annotated[
        str | None,
        typer.Option(
            help="Instead of the small demo school, years of synthetic history: "
            "'school' (1,500 pupils), 'trust' (10 schools) or 'la' (over a million events)"
        ),
    ] = None,
    alongside: Annotated[
        bool,
        typer.Option(
            "--alongside",
            help="Load it even though the database holds other settings (its users see only the demo's)",
        ),
    ] = False,
) -> None:
    """Load a demo school (a few dozen pupils on the register, a term of support) to look around;
    with --scale, years of synthetic history for a school, a trust or a local authority."""
    from apdr.demo.school import DEMO_PASSWORD, DEMO_URN, load_demo_school
    from apdr.demo.synthetic import SCALES, plan_for

    day = _parse_date(as_of) if as_of else Config().current_date()
    with running() as apdr:
        if scale is not None and scale not in SCALES:
            raise InvalidInput("scale", f"scale is one of {', '.join(SCALES)}, not {scale!r}")
        demo_urns = {s.urn for s in plan_for(scale, seed).settings} if scale else {DEMO_URN}
        _refuse_beside_real_settings(apdr, demo_urns, alongside)
    if scale is not None:
        _demo_at_scale(scale, seed, day)
        return
    with running() as apdr:
        school = load_demo_school(apdr.record, as_of=day, seed=seed)
        if school is None:
            console.print("the demo school is already loaded")
        else:
            apdr.read_models.catch_up()
            console.print(
                f"demo school '{school.name}' (URN {school.urn}) loaded as of {day}: "
                f"{school.pupils} pupils, {school.on_register} on the SEN register, "
                f"{school.interventions} interventions, {school.sessions} sessions"
            )
        console.print("sign in with any of: " + ", ".join(_demo_emails()) + f"  (password: {DEMO_PASSWORD})")


def _refuse_beside_real_settings(apdr: Apdr, demo_urns: set[str], alongside: bool) -> None:
    """A demo's passwords are published: its data goes into a real school's database only when asked."""
    others = [urn for urn in apdr.read_models.ask(registered_urns) if urn not in demo_urns]
    if others and not alongside:
        console.print(
            f"[red]this database holds {len(others)} other setting(s) ({', '.join(others[:3])}"
            f"{', …' if len(others) > 3 else ''}): the demo's published passwords do not belong beside "
            "them; load it into its own database, or pass --alongside[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(1)


def _demo_at_scale(scale: str, seed: int, day: date) -> None:
    """``apdr demo --scale``: years of synthetic history written in batches, then the read models."""
    from apdr.demo.synthetic import SYNTHETIC_PASSWORD, generate, plan_for
    from apdr.errors import NotFound

    with running() as apdr:
        plan = plan_for(scale, seed)
        for spec in plan.settings:
            try:
                apdr.record.setting_by_urn(spec.urn)
            except NotFound:
                continue
            console.print(f"the {scale} demo is already loaded (setting {spec.urn} is registered)")
            return
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[note]}"))
        with Progress(*columns, TimeRemainingColumn(), console=console) as progress:
            task = progress.add_task(f"writing the {scale}'s history", total=1.0, note="")
            history = generate(
                apdr.record,
                plan,
                seed=seed,
                today=day,
                password_hash=apdr.record.passwords.hash(SYNTHETIC_PASSWORD),
                progress=lambda done, events: progress.update(
                    task, completed=done, note=f"{events:,} events"
                ),
            )
            models = apdr.read_models
            total = models.last_notification_id()
            for name in models.projections:
                task = progress.add_task(f"building {name}", total=total, note="")
                models.catch_up(
                    name, progress=lambda position, task=task: progress.update(task, completed=position)
                )
                progress.update(task, completed=total)
        console.print(history.summary())
        first = history.settings[0]
        console.print(
            f"sign in as {first.users['senco']} (or teacher@, ta@ or head@; each setting has its own "
            f"URN.synthetic.example), password: {SYNTHETIC_PASSWORD}"
        )


def _demo_emails() -> list[str]:
    from apdr.demo.school import DEMO_USERS

    return [email for email, *_ in DEMO_USERS]


@packs_app.command("verify")
def verify_pack(
    path: Annotated[Path, typer.Argument(help="A pack's JSON, as GET /packs/{id} gave it")],
) -> None:
    """Check that a pack's JSON is as issued: its sha256 matches the rest of it (needs no database)."""
    text = path.read_text(encoding="utf-8")
    try:
        intact = is_intact(text)
    except ValueError as error:
        console.print(f"[red]{path} is not a pack's JSON: {error}", soft_wrap=True)
        raise typer.Exit(1) from None
    if not intact:
        console.print(
            f"[red]{path} has been altered since it was issued: its sha256 does not match", soft_wrap=True
        )
        raise typer.Exit(1)
    console.print(f"{path} is as issued (sha256 {json.loads(text)['sha256']})", soft_wrap=True)


FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
SettingOption = Annotated[str, typer.Option("--setting", help="URN of the setting the pupils belong to")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Say what would change, and write nothing")]


@import_app.command("ctf")
def import_ctf(file: FileArgument, setting: SettingOption, dry_run: DryRunOption = False) -> None:
    """Register a CTF's pupils with their SEN history, or bring those already here up to date."""
    _import(file, setting, dry_run, "ctf")


@import_app.command("csv")
def import_csv(file: FileArgument, setting: SettingOption, dry_run: DryRunOption = False) -> None:
    """Register a CSV's pupils, or bring those already here up to date (GET /api/v1/imports/template.csv
    gives its columns)."""
    _import(file, setting, dry_run, "csv")


def _import(path: Path, urn: str, dry_run: bool, kind: str) -> None:
    from apdr.projections.pupils import pupils_by_upn

    with running() as apdr:
        place = apdr.record.setting_by_urn(urn)
        actor = Actor(email=CLI.email, role=Role.senco, setting_id=place.id)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(f"importing {path.name}", total=None)
            outcome = apdr.record.import_file(
                actor,
                path.read_bytes(),
                file_name=path.name,
                kind=kind,
                today=apdr.today(),
                known=apdr.read_models.ask(pupils_by_upn, place.id),
                dry_run=dry_run,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        if not dry_run:
            apdr.read_models.catch_up()
    added = f"{outcome.pupils_added} {'pupil' if outcome.pupils_added == 1 else 'pupils'}"
    console.print(
        f"{path.name}: {added}{' would be' if dry_run else ''} added, {outcome.pupils_updated} updated, "
        f"{outcome.unchanged} unchanged; {len(outcome.problems)} "
        f"{'problem' if len(outcome.problems) == 1 else 'problems'}",
        highlight=False,
    )
    if outcome.problems:
        table = Table("row" if kind == "csv" else "UPN", "field", "problem")
        for problem in outcome.problems:
            table.add_row(
                str(problem.row if problem.row is not None else problem.upn), problem.field, problem.problem
            )
        console.print(table)
        raise typer.Exit(1)


@projections_app.command("rebuild")
def rebuild(name: Annotated[str | None, typer.Argument(help="One read model (default: all)")] = None) -> None:
    """Drop read models and build them again from the whole event log."""
    with running() as apdr:
        models = apdr.read_models
        names = [name] if name else list(models.projections)
        unknown = [n for n in names if n not in models.projections]
        if unknown:
            raise InvalidInput(
                "name", f"no read model {unknown[0]!r}; there are: {', '.join(models.projections)}"
            )
        total = models.last_notification_id()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            for n in names:
                task = progress.add_task(f"rebuilding {n}", total=total)

                def advance(position: int, task: Any = task) -> None:
                    progress.update(task, completed=position)

                applied = models.rebuild(n, progress=advance)
                progress.update(task, completed=total, description=f"{n}: {applied} events applied")


@policies_app.command("run")
def run_policies(
    as_of: Annotated[str, typer.Option(help="Run as of the end of this day (YYYY-MM-DD)")],
    setting: Annotated[str | None, typer.Option(help="URN of one setting (default: every setting)")] = None,
) -> None:
    """Run every policy as of a date, and say which alerts it raised and resolved.

    The live alerts only move forward in time: in a setting whose policies were
    last run live as of a later date, this is a preview that says what the
    policies find as of this date, and changes nothing."""
    day = _parse_date(as_of)
    with running() as apdr:
        if day > apdr.today():
            # A live run as of a future date would make every run until then a preview.
            raise InvalidInput(
                "as_of", f"as_of {day} is in the future (today is {apdr.today()}): nothing to judge yet"
            )
        runner = PolicyRunner(apdr.record, apdr.read_models)
        setting_ids = [apdr.record.setting_by_urn(setting).id] if setting else runner.setting_ids()
        for setting_id in setting_ids:
            result = runner.run(CLI, setting_id, day)
            urn = apdr.record.setting(setting_id).urn
            if result.preview:
                console.print(
                    f"setting {urn}, as of {day}: a preview, nothing changed: "
                    f"the live alerts stand as of {result.live_as_of}; {len(result.found)} found",
                    highlight=False,
                )
                for cause in result.found:
                    console.print(f"  found    {cause['kind']}: {cause['summary']}", highlight=False)
                for kind in result.failed:
                    console.print(f"  [red]the {kind} policy failed: see the log[/red]")
                continue
            console.print(
                f"setting {urn}, as of {day}: {len(result.raised)} raised, {len(result.resolved)} resolved"
            )
            for alert in result.raised:
                console.print(f"  raised   {alert['kind']}: {alert['summary']}", highlight=False)
            for alert in result.resolved:
                console.print(f"  resolved {alert['kind']}: {alert['summary']}", highlight=False)
            for kind in result.failed:
                console.print(f"  [red]the {kind} policy failed: see the log[/red]")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        console.print(f"[red]{text!r} is not a date: use YYYY-MM-DD[/red]")
        raise typer.Exit(2) from None


def _database_label() -> str:
    url = Config().database_url
    return url.split("@")[-1] if "@" in url else url


if __name__ == "__main__":
    app()
