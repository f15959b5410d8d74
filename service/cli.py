"""``flask --app wsgi …`` commands: counters repair, demo data, import, export, webhooks."""

from __future__ import annotations

import re
import signal
import sys
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import IO
from typing import Any

import click
from flask import Flask
from flask import current_app
from flask import has_app_context
from flask.cli import AppGroup
from flask.cli import ScriptInfo
from flask.cli import with_appcontext
from marshmallow import ValidationError

from . import config
from .api import mailing
from .api import sites as sites_api
from .domain import articles
from .domain.accounts import Role
from .domain.errors import DomainError
from .domain.errors import SiteNotFound
from .domain.sites import DEFAULT_SITE
from .domain.sites import SETTINGS
from .domain.sites import is_valid_slug
from .integrations import commento
from .integrations import disqus
from .integrations import files
from .integrations import isso
from .integrations import jsonl
from .integrations import remark42
from .integrations import wordpress
from .integrations.articles import RULES
from .integrations.articles import ArticleRule
from .integrations.articles import read_mapping
from .integrations.records import Gone
from .integrations.records import MalformedInput
from .integrations.records import Record
from .schemas.sites import Origin
from .schemas.sites import SiteSettingsIn
from .usecases import accounts as accounts_usecase
from .usecases import demo
from .usecases import export as export_usecase
from .usecases import imports
from .usecases import mail as mail_usecase
from .usecases import moderate
from .usecases import sites as sites_usecase
from .usecases import stats as stats_usecase
from .usecases import webhooks as webhooks_usecase
from .widget import demo as demo_site

stats = AppGroup("stats", help="Article counters and author records.")


def _site(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--site``: a site that exists (the default site always does)."""
    if value is None:
        return None
    app = current_app._get_current_object() if has_app_context() else ctx.ensure_object(ScriptInfo).load_app()  # type: ignore[attr-defined]
    try:
        with app.app_context():
            sites_usecase.get(config.site_defaults(app.config), value)
    except SiteNotFound:
        raise click.BadParameter(f"no site has the id {value!r} (flask --app wsgi sites list)") from None
    return value


def site_option(help: str, default: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--site", default=default, callback=_site, help=help)


@stats.command("rebuild")
@site_option("Only this site's articles (default: every site's).")
def rebuild(site: str | None) -> None:
    """Recompute every article's counters and every author's record from the entries."""
    n = stats_usecase.rebuild(site=site)
    authors = stats_usecase.rebuild_authors(site)
    click.echo(f"rebuilt counters of {n} articles and records of {authors} authors")


@click.command("demo-data")
@with_appcontext
@click.option(
    "--articles",
    default=len(demo_site.STORIES),
    show_default=True,
    help="Articles demo-1 to demo-N to spread entries over (the demo site at /demo/ has the first five).",
)
@click.option("--comments", default=120, show_default=True, help="Approved comments (a fifth of them replies).")
@click.option("--reviews", default=25, show_default=True, help="Approved reviews.")
@click.option("--pending", default=12, show_default=True, help="Entries waiting for a moderator.")
@click.option("--seed", default=1, show_default=True, help="Random seed, for repeatable data.")
@click.option("--if-empty", is_flag=True, help="Add nothing when the database holds entries already.")
@site_option("The site whose articles get the entries.", default=DEFAULT_SITE)
def demo_data(articles: int, comments: int, reviews: int, pending: int, seed: int, if_empty: bool, site: str) -> None:
    """Fill the database with realistic entries, fast (bulk inserts, exact counters)."""
    if articles < 1:
        raise click.BadParameter("at least one article", param_hint="--articles")
    if if_empty and not demo.is_empty():
        click.echo("the database holds entries already: no demo data added")
        return
    titles = {story.id: story.headline for story in demo_site.STORIES}
    result = demo.fill(articles, comments, reviews, pending, seed, titles, site)
    click.echo(
        f"added {result.comments} comments, {result.reviews} reviews and {result.pending} pending entries "
        f"over {result.articles} articles ({result.seconds:.1f} s)"
    )


_DURATION = re.compile(r"^(\d+)([dh])$")


def _duration(value: str) -> timedelta:
    match = _DURATION.match(value.strip())
    if not match:
        raise click.BadParameter("a number of days or hours, like 90d or 12h", param_hint="--older-than")
    n, unit = int(match[1]), match[2]
    return timedelta(days=n) if unit == "d" else timedelta(hours=n)


@click.command("purge")
@click.option("--older-than", "older_than", default="90d", show_default=True, help="Retention, like 90d or 12h.")
@with_appcontext
@site_option("Only this site's entries (default: every site's).")
def purge(older_than: str, site: str | None) -> None:
    """Erase rejected and spam entries decided longer ago than the retention period."""
    erased = moderate.purge(_duration(older_than), site)
    click.echo(f"erased {len(erased)} rejected or spam entries older than {older_than}")


# -- moving in and out: import, export, webhooks -----------------------------------------

imports_group = AppGroup(
    "import", help="Bring in entries from Disqus, WordPress, Isso, Remark42, Commento or this service's export."
)


@contextmanager
def _progress(total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal (stderr); nothing otherwise."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:  # type: ignore[var-annotated]
        yield bar.update


def _import_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing.")(command)
    command = site_option("The site the entries go to.", default=DEFAULT_SITE)(command)
    command = click.option(
        "--map",
        "mapping",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="CSV of source,article_id lines (a URL, path or identifier per page) overriding the rule.",
    )(command)
    return click.option(
        "--article-id",
        "rule",
        type=click.Choice(RULES),
        default="path",
        show_default=True,
        help="How a page's article id is made: its URL's path, its last path segment, or the source's identifier.",
    )(command)


def _run_import(
    source: str,
    read: files.Reader,
    total: int | None,
    rule: str,
    mapping: Path | None,
    dry_run: bool,
    site: str = DEFAULT_SITE,
) -> None:
    try:
        article_rule = ArticleRule(rule, read_mapping(mapping) if mapping else None)
        summary = imports.run(source, read, article_rule, dry_run, _progress, total, site)
    except (MalformedInput, imports.ImportFailed) as error:
        raise click.ClickException(
            f"{error} - nothing of it was imported" if isinstance(error, MalformedInput) else str(error)
        ) from None
    for line in summary.lines():
        click.echo(line)


def _size(path: Path) -> int:
    return path.stat().st_size


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@imports_group.command("disqus")
@click.argument("export_file", type=_FILE)
@_import_options
def import_disqus(export_file: Path, rule: str, mapping: Path | None, dry_run: bool, site: str) -> None:
    """A Disqus XML export (Moderation, Export)."""
    _run_import(
        "Disqus export", files.records_of(export_file, disqus.read), _size(export_file), rule, mapping, dry_run, site
    )


@imports_group.command("wordpress")
@click.argument("export_file", type=_FILE)
@_import_options
def import_wordpress(export_file: Path, rule: str, mapping: Path | None, dry_run: bool, site: str) -> None:
    """A WordPress export file (Tools, Export: WXR)."""
    read = files.records_of(export_file, wordpress.read)
    _run_import("WordPress export", read, _size(export_file), rule, mapping, dry_run, site)


@imports_group.command("isso")
@click.argument("database", type=_FILE)
@_import_options
def import_isso(database: Path, rule: str, mapping: Path | None, dry_run: bool, site: str) -> None:
    """An Isso SQLite database (read only; Isso may keep running)."""
    try:
        total = isso.count(database)
    except MalformedInput as error:
        raise click.ClickException(str(error)) from None
    _run_import("Isso database", lambda advance: isso.read(database, advance), total, rule, mapping, dry_run, site)


@imports_group.command("remark42")
@click.argument("backup_file", type=_FILE)
@_import_options
def import_remark42(backup_file: Path, rule: str, mapping: Path | None, dry_run: bool, site: str) -> None:
    """A Remark42 backup (its backup folder's backup-<site>-<date>.gz, or an admin export)."""
    read = files.records_of(backup_file, remark42.read)
    _run_import("Remark42 backup", read, _size(backup_file), rule, mapping, dry_run, site)


@imports_group.command("commento")
@click.argument("export_file", type=_FILE)
@_import_options
def import_commento(export_file: Path, rule: str, mapping: Path | None, dry_run: bool, site: str) -> None:
    """A Commento or Comentario JSON export (Dashboard, General, Export data; gzipped or not)."""
    read = files.records_of(export_file, commento.reader(lambda: export_file.open("rb")))
    _run_import("Commento export", read, _size(export_file), rule, mapping, dry_run, site)


@imports_group.command("jsonl")
@click.argument("export_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@_import_options
def import_jsonl(export_file: Path, rule: str, mapping: Path | None, dry_run: bool, site: str) -> None:
    """This service's own export (`flask --app wsgi export`); `-` reads standard input."""
    if str(export_file) == "-":

        def from_stdin(advance: Callable[[int], None]) -> Iterable[Record | Gone]:
            return jsonl.read(sys.stdin.buffer, advance)

        _run_import("JSON Lines export", from_stdin, None, rule, mapping, dry_run, site)
        return
    _run_import(
        "JSON Lines export",
        files.records_of(export_file, jsonl.read),
        _size(export_file),
        rule,
        mapping,
        dry_run,
        site,
    )


@click.command("export")
@click.option("--article", "article_id", help="Only this article's entries.")
@click.option("--email", help="Only the entries of this email address (a data access request).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-", help="Default: stdout.")
@with_appcontext
@site_option(
    "Only this site's entries (with --article: its article; default: every site's, --article the default site's)."
)
def export(article_id: str | None, email: str | None, output: IO[str], site: str | None) -> None:
    """Write entries as JSON Lines, which `import jsonl` reads back."""
    if article_id is not None and not articles.is_valid(article_id):
        raise click.BadParameter("not a valid article id", param_hint="--article")
    lines = 0
    for line in export_usecase.lines(article_id, email, site):
        output.write(line)
        lines += 1
    output.flush()
    click.echo(f"exported {lines - 1} entries", err=True)


webhooks_group = AppGroup("webhooks", help="Signed events for COMMENTS_WEBHOOK_URL, and the mail outbox.")


def _settings(sends_mail: bool = False) -> webhooks_usecase.Settings | None:
    """The deployment's receiver, or, when only sites have one, the delivery settings with
    no receiver of their own (each event goes to its site's); ``None`` when no site has a
    receiver but mail is on (the worker then only sends mail)."""
    settings = webhooks_usecase.Settings.of(current_app.config)
    if settings is not None:
        return settings
    if not any(s.webhooks_on for s in sites_api.registry().all().values()):
        if sends_mail:
            return None
        raise click.ClickException(
            "COMMENTS_WEBHOOK_URL is not set, nor COMMENTS_SMTP_URL: there is nowhere to deliver to"
        )
    config_ = current_app.config
    return webhooks_usecase.Settings("", "", float(config_["WEBHOOK_TIMEOUT"]), int(config_["WEBHOOK_MAX_ATTEMPTS"]))


@webhooks_group.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron); default: keep running.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the outbox when idle.")
@click.option("--batch", default=webhooks_usecase.BATCH, show_default=True, help="Events claimed at a time.")
def deliver(once: bool, interval: float, batch: int) -> None:
    """POST pending events and send pending mails, with retries and backoff. Any number of
    workers may run."""
    sends_mail = mailing.email_settings() is not None
    settings = _settings(sends_mail)
    stop = False
    mails = mail_usecase.Tally()

    def stopping(*_: Any) -> None:
        nonlocal stop
        stop = True

    pruned_at = float("-inf")

    def mail_round() -> int:
        nonlocal pruned_at
        if time.monotonic() - pruned_at > webhooks_usecase.PRUNE_EVERY:
            current = mailing.email_settings()
            mail_usecase.prune(link_hours=(current.link_hours if current else 72) + 1)  # nonces outlive their links
            pruned_at = time.monotonic()
        tally = mail_usecase.deliver_due(mailing.email_settings, mailing.secret(), batch, mailing.admin_names())
        mails.add(tally)
        return tally.handled

    previous = {sig: signal.signal(sig, stopping) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        targets = sites_api.webhook_targets(current_app._get_current_object())  # type: ignore[attr-defined]
        tally = webhooks_usecase.run(
            settings, once, interval, batch, lambda: stop, targets, also=mail_round if sends_mail else None
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if settings is not None:
        click.echo(
            f"delivered {tally.delivered}, retrying later {tally.retrying}, failed {tally.failed}, "
            f"dropped {tally.dropped} (entry erased)"
        )
    if sends_mail:
        click.echo(
            f"mail: sent {mails.delivered}, retrying later {mails.retrying}, failed {mails.failed}, "
            f"dropped {mails.dropped} (decided, erased or unsubscribed before sending)"
        )


@webhooks_group.command("status")
def webhooks_status() -> None:
    """Events by delivery state, and the latest failures."""
    view = webhooks_usecase.overview(current_app.config, None, 10, None)
    click.echo(f"endpoint: {view.endpoint or 'not configured'}; events: {', '.join(view.events)}")
    click.echo(", ".join(f"{n} {state}" for state, n in view.totals.items()))
    for item in view.items:
        if item.last_error:
            click.echo(
                f"  #{item.id} {item.event} entry {item.entry_id}: {item.state.value}, "
                f"{item.attempts} attempts, {item.last_error}"
            )


sites_group = AppGroup("sites", help="Sites: each with its own articles, origins and rules.")
_LISTS = {"banned_words", "suspect_words", "badges"}
_NUMBERS = {
    "max_links",
    "report_threshold",
    "trusted_after",
    "cache_max_age",
    "close_after_days",
    "poll_seconds",
    "edit_window_minutes",
}


def _settings_of(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs as settings, checked as the admin API checks them; ``key=`` (or
    ``null``) goes back to the deployment's setting; word lists are comma-separated."""
    raw: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip().replace("-", "_"), value.strip()
        if not sep or key not in SETTINGS:
            raise click.BadParameter(f"{pair!r}: use key=value with a key of {', '.join(SETTINGS)}")
        if value in ("", "null"):
            raw[key] = None
        elif key in _LISTS:
            raw[key] = [w.strip() for w in value.split(",") if w.strip()]
        elif key in _NUMBERS:
            raw[key] = int(value) if value.isdigit() else value
        else:
            raw[key] = value
    try:
        loaded: dict[str, Any] = SiteSettingsIn().load(raw)
    except ValidationError as error:
        raise click.BadParameter(f"{error.messages}") from None
    return loaded


def _origins(values: tuple[str, ...]) -> list[str]:
    try:
        return [Origin().deserialize(v) for v in values]
    except ValidationError as error:
        raise click.BadParameter(" ".join(map(str, error.messages)), param_hint="--origin") from None


def _show(view: sites_usecase.SiteView) -> None:
    s = view.settings
    click.echo(f"{view.id}\t{view.name}\torigins: {', '.join(view.origins) or '-'}")
    click.echo(
        f"  moderation {s.moderation_mode}, links {s.max_links}, reports {s.report_threshold}, "
        f"trusted after {s.trusted_after}, max-age {s.cache_max_age}, webhook {s.webhook_url or '-'}, "
        f"who may comment {s.who_may_comment}, close after {s.close_after_days or '-'} days, "
        f"reaction {s.reaction_label}, comments {s.comment_order}, reviews {s.review_order}, "
        f"new comments every {s.poll_seconds or '-'} s, "
        f"sign-in {'on' if s.sso else 'off'} (aud {s.sso_audience}), bans {s.ban_mode}, "
        f"edits {s.edit_window_minutes} min; "
        f"own settings: {', '.join(view.custom) or 'none'}"
    )
    if s.mail_from_address:  # the service sends mail
        click.echo(f"  mail from {s.mail_from_name} <{s.mail_from_address}>, language {s.mail_language}")


def _forget() -> None:
    sites_api.registry().forget()


@sites_group.command("add")
@click.argument("site_id")
@click.option("--name", required=True, help="What moderators see.")
@click.option("--origin", "origins", multiple=True, help="An origin the widget runs on (repeat for several).")
@click.argument("settings", nargs=-1)
def sites_add(site_id: str, name: str, origins: tuple[str, ...], settings: tuple[str, ...]) -> None:
    """Add a site: SITE_ID (a slug: a-z 0-9 -), then settings as key=value."""
    if not is_valid_slug(site_id):
        raise click.BadParameter("1 to 64 of a-z 0-9 -, not starting or ending with -", param_hint="SITE_ID")
    try:
        view = sites_usecase.add(
            config.site_defaults(current_app.config), site_id, name, _origins(origins), _settings_of(settings)
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    _forget()
    _show(view)


@sites_group.command("list")
def sites_list() -> None:
    """Every site and its settings in force."""
    for view in sites_usecase.listing(config.site_defaults(current_app.config)):
        _show(view)


@sites_group.command("set")
@click.argument("site_id")
@click.option("--name", help="A new name.")
@click.option("--origin", "origins", multiple=True, help="The site's origins, replacing the old ones.")
@click.argument("settings", nargs=-1)
def sites_set(site_id: str, name: str | None, origins: tuple[str, ...], settings: tuple[str, ...]) -> None:
    """Change a site: settings as key=value (key= goes back to the deployment's)."""
    try:
        view = sites_usecase.change(
            config.site_defaults(current_app.config),
            site_id,
            name,
            _origins(origins) if origins else None,
            _settings_of(settings),
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    _forget()
    _show(view)


# -- moderator accounts ---------------------------------------------------------------------

moderators = AppGroup("moderators", help="Moderator accounts and their API tokens.")


@contextmanager
def _account_errors() -> Iterator[None]:
    """A refused change is one line on stderr and exit status 1."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message) from None


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "never"


def _token_lines(issued: accounts_usecase.Issued) -> None:
    click.echo(f"token {issued.view.id} for {issued.account.name} (shown only now; keep it secret):", err=True)
    click.echo(issued.token)


@moderators.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MODERATOR.value, show_default=True)
@click.option("--site", "sites", multiple=True, help="A site the moderator may see (repeat for several).")
@click.option("--label", help="A note on the token, e.g. where it is used.")
def add_moderator(name: str, role: str, sites: tuple[str, ...], label: str | None) -> None:
    """Create an account and print its first token, once."""
    with _account_errors():
        issued = accounts_usecase.create_account(name, Role(role), sites, label)
    where = "every site" if issued.account.role == Role.ADMIN else ", ".join(issued.account.sites)
    click.echo(f"added {issued.account.role.value} {issued.account.name} ({where})", err=True)
    _token_lines(issued)


@moderators.command("list")
def list_moderators() -> None:
    """Accounts, their role, sites and tokens (never a token's value)."""
    found = accounts_usecase.list_accounts()
    if not found:
        click.echo("no moderator accounts (COMMENTS_ADMIN_TOKENS names act as admins)")
    for account in found:
        where = "every site" if account.role == Role.ADMIN else ", ".join(account.sites)
        state = " (disabled)" if account.disabled else ""
        click.echo(f"{account.name}: {account.role.value}{state}, {where}; last used {_when(account.last_used_at)}")
        for token in account.tokens:
            label = f" {token.label!r}" if token.label else ""
            revoked = f", revoked {_when(token.revoked_at)}" if token.revoked_at else ""
            click.echo(
                f"  token {token.id}{label}: created {_when(token.created_at)}, "
                f"last used {_when(token.last_used_at)}{revoked}"
            )


@moderators.command("token")
@click.argument("name")
@click.option("--label", help="A note on the token, e.g. where it is used.")
def new_moderator_token(name: str, label: str | None) -> None:
    """Print a new token for an account, once (its other tokens keep working)."""
    with _account_errors():
        issued = accounts_usecase.issue_token_named(name, label)
    _token_lines(issued)


@moderators.command("revoke")
@click.argument("name", required=False)
@click.option("--token-id", type=int, help="Revoke only this token of the account (see `list`).")
@click.option("--token", "token_value", help="Revoke the token given (its value).")
def revoke_moderator(name: str | None, token_id: int | None, token_value: str | None) -> None:
    """Revoke every token of the account NAME, one of its tokens (--token-id), or the token
    given (--token). Revoked tokens are refused from the next request on."""
    with _account_errors():
        if token_value is not None:
            if name is not None or token_id is not None:
                raise click.UsageError("--token stands alone")
            account = accounts_usecase.revoke_token_value(token_value)
            click.echo(f"revoked a token of {account.name}")
            return
        if name is None:
            raise click.UsageError("name the account, or give --token")
        if token_id is not None:
            account = accounts_usecase.get_account_named(name)
            accounts_usecase.revoke_token(account.id, token_id)
            click.echo(f"revoked token {token_id} of {account.name}")
            return
        n = accounts_usecase.revoke_all(name)
        click.echo(f"revoked {n} token{'' if n == 1 else 's'} of {name}")


def register(app: Flask) -> None:
    app.cli.add_command(sites_group)
    app.cli.add_command(stats)
    app.cli.add_command(demo_data)
    app.cli.add_command(purge)
    app.cli.add_command(imports_group)
    app.cli.add_command(export)
    app.cli.add_command(webhooks_group)
    app.cli.add_command(moderators)
