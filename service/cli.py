"""``flask --app wsgi …`` commands: counters repair and demo data."""

from __future__ import annotations

import re
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup
from flask.cli import with_appcontext

from .usecases import demo
from .usecases import moderate
from .usecases import stats as stats_usecase

stats = AppGroup("stats", help="Article counters.")


@stats.command("rebuild")
def rebuild() -> None:
    """Recompute every article's counters from its entries."""
    n = stats_usecase.rebuild()
    click.echo(f"rebuilt counters of {n} articles")


@click.command("demo-data")
@with_appcontext
@click.option("--articles", default=20, show_default=True, help="Articles to spread entries over.")
@click.option("--comments", default=500, show_default=True, help="Approved comments (a fifth of them replies).")
@click.option("--reviews", default=100, show_default=True, help="Approved reviews.")
@click.option("--pending", default=20, show_default=True, help="Entries waiting for a moderator.")
@click.option("--seed", default=1, show_default=True, help="Random seed, for repeatable data.")
def demo_data(articles: int, comments: int, reviews: int, pending: int, seed: int) -> None:
    """Fill the database with realistic entries, fast (bulk inserts, exact counters)."""
    if articles < 1:
        raise click.BadParameter("at least one article", param_hint="--articles")
    result = demo.fill(articles, comments, reviews, pending, seed)
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


def register(app: Flask) -> None:
    app.cli.add_command(stats)
    app.cli.add_command(demo_data)
    app.cli.add_command(purge)
