"""Option types shared by the command groups."""

from __future__ import annotations

import datetime as dt
import re

import click

from course_app.core.i18n import COPENHAGEN


def moment_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> dt.datetime | None:
    """An ISO moment; without a zone it is Copenhagen time."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"»{value}« er ikke et tidspunkt som 2027-01-12T09:00 (Københavns tid)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(dt.UTC)


def day_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A date written YYYY-MM-DD (four-digit year), checked by the calendar."""
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"»{value}« er ikke en dato som 2027-01-11 (år-måned-dag)."
        ) from None
