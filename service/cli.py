"""``flask --app wsgi …`` commands: counters repair, demo data, import, export, webhooks."""

from __future__ import annotations

import re
import signal
import sys
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
from flask.cli import AppGroup
from flask.cli import with_appcontext

from .domain import articles
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
from .usecases import demo
from .usecases import export as export_usecase
from .usecases import imports
from .usecases import moderate
from .usecases import stats as stats_usecase
from .usecases import webhooks as webhooks_usecase
from .widget import demo as demo_site

stats = AppGroup("stats", help="Article counters and author records.")


@stats.command("rebuild")
def rebuild() -> None:
    """Recompute every article's counters and every author's record from the entries."""
    n = stats_usecase.rebuild()
    authors = stats_usecase.rebuild_authors()
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
def demo_data(articles: int, comments: int, reviews: int, pending: int, seed: int, if_empty: bool) -> None:
    """Fill the database with realistic entries, fast (bulk inserts, exact counters)."""
    if articles < 1:
        raise click.BadParameter("at least one article", param_hint="--articles")
    if if_empty and not demo.is_empty():
        click.echo("the database holds entries already: no demo data added")
        return
    titles = {story.id: story.headline for story in demo_site.STORIES}
    result = demo.fill(articles, comments, reviews, pending, seed, titles)
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
def purge(older_than: str) -> None:
    """Erase rejected and spam entries decided longer ago than the retention period."""
    erased = moderate.purge(_duration(older_than))
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
    source: str, read: files.Reader, total: int | None, rule: str, mapping: Path | None, dry_run: bool
) -> None:
    try:
        article_rule = ArticleRule(rule, read_mapping(mapping) if mapping else None)
        summary = imports.run(source, read, article_rule, dry_run, _progress, total)
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
def import_disqus(export_file: Path, rule: str, mapping: Path | None, dry_run: bool) -> None:
    """A Disqus XML export (Moderation, Export)."""
    _run_import("Disqus export", files.records_of(export_file, disqus.read), _size(export_file), rule, mapping, dry_run)


@imports_group.command("wordpress")
@click.argument("export_file", type=_FILE)
@_import_options
def import_wordpress(export_file: Path, rule: str, mapping: Path | None, dry_run: bool) -> None:
    """A WordPress export file (Tools, Export: WXR)."""
    read = files.records_of(export_file, wordpress.read)
    _run_import("WordPress export", read, _size(export_file), rule, mapping, dry_run)


@imports_group.command("isso")
@click.argument("database", type=_FILE)
@_import_options
def import_isso(database: Path, rule: str, mapping: Path | None, dry_run: bool) -> None:
    """An Isso SQLite database (read only; Isso may keep running)."""
    try:
        total = isso.count(database)
    except MalformedInput as error:
        raise click.ClickException(str(error)) from None
    _run_import("Isso database", lambda advance: isso.read(database, advance), total, rule, mapping, dry_run)


@imports_group.command("remark42")
@click.argument("backup_file", type=_FILE)
@_import_options
def import_remark42(backup_file: Path, rule: str, mapping: Path | None, dry_run: bool) -> None:
    """A Remark42 backup (its backup folder's backup-<site>-<date>.gz, or an admin export)."""
    read = files.records_of(backup_file, remark42.read)
    _run_import("Remark42 backup", read, _size(backup_file), rule, mapping, dry_run)


@imports_group.command("commento")
@click.argument("export_file", type=_FILE)
@_import_options
def import_commento(export_file: Path, rule: str, mapping: Path | None, dry_run: bool) -> None:
    """A Commento or Comentario JSON export (Dashboard, General, Export data; gzipped or not)."""
    read = files.records_of(export_file, commento.reader(lambda: export_file.open("rb")))
    _run_import("Commento export", read, _size(export_file), rule, mapping, dry_run)


@imports_group.command("jsonl")
@click.argument("export_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@_import_options
def import_jsonl(export_file: Path, rule: str, mapping: Path | None, dry_run: bool) -> None:
    """This service's own export (`flask --app wsgi export`); `-` reads standard input."""
    if str(export_file) == "-":

        def from_stdin(advance: Callable[[int], None]) -> Iterable[Record | Gone]:
            return jsonl.read(sys.stdin.buffer, advance)

        _run_import("JSON Lines export", from_stdin, None, rule, mapping, dry_run)
        return
    _run_import(
        "JSON Lines export", files.records_of(export_file, jsonl.read), _size(export_file), rule, mapping, dry_run
    )


@click.command("export")
@click.option("--article", "article_id", help="Only this article's entries.")
@click.option("--email", help="Only the entries of this email address (a data access request).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-", help="Default: stdout.")
@with_appcontext
def export(article_id: str | None, email: str | None, output: IO[str]) -> None:
    """Write entries as JSON Lines, which `import jsonl` reads back."""
    if article_id is not None and not articles.is_valid(article_id):
        raise click.BadParameter("not a valid article id", param_hint="--article")
    lines = 0
    for line in export_usecase.lines(article_id, email):
        output.write(line)
        lines += 1
    output.flush()
    click.echo(f"exported {lines - 1} entries", err=True)


webhooks_group = AppGroup("webhooks", help="Signed events for COMMENTS_WEBHOOK_URL.")


def _settings() -> webhooks_usecase.Settings:
    settings = webhooks_usecase.Settings.of(current_app.config)
    if settings is None:
        raise click.ClickException("COMMENTS_WEBHOOK_URL is not set: there is nowhere to deliver to")
    return settings


@webhooks_group.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron); default: keep running.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the outbox when idle.")
@click.option("--batch", default=webhooks_usecase.BATCH, show_default=True, help="Events claimed at a time.")
def deliver(once: bool, interval: float, batch: int) -> None:
    """POST pending events with retries and backoff. Any number of workers may run."""
    settings = _settings()
    stop = False

    def stopping(*_: Any) -> None:
        nonlocal stop
        stop = True

    previous = {sig: signal.signal(sig, stopping) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        tally = webhooks_usecase.run(settings, once, interval, batch, lambda: stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(
        f"delivered {tally.delivered}, retrying later {tally.retrying}, failed {tally.failed}, "
        f"dropped {tally.dropped} (entry erased)"
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


def register(app: Flask) -> None:
    app.cli.add_command(stats)
    app.cli.add_command(demo_data)
    app.cli.add_command(purge)
    app.cli.add_command(imports_group)
    app.cli.add_command(export)
    app.cli.add_command(webhooks_group)
