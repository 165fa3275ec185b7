"""Templates' ``url_for``: Flask's, with each address remembered once built.

A leader's page builds about thirty addresses (the layout's style sheets and links, a link per
module and event), and each build walks Werkzeug's rule builder anew (about 4 microseconds; a
twentieth of the dashboard). An address depends only on the endpoint, the values and where the app
is mounted (``request.script_root``), as long as it is not absolute (``_external``, ``_scheme``),
not relative to the current blueprint (".name") and no ``url_defaults`` function adds values: such
calls, and any whose values are not plain ``int`` or ``str`` (an object's hash could outlive it),
go to Flask every time.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request

# A bound per process: addresses are a few per module, event and group; past it, new ones are
# built each time as before.
_MOST_REMEMBERED = 50_000
_PLAIN = (int, str)


class RememberedUrlFor:
    __slots__ = ("_app", "_built")

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._built: dict[tuple, str] = {}

    def __call__(self, endpoint: str, /, **values: object) -> str:
        if (
            endpoint[:1] == "."
            or "_external" in values
            or "_scheme" in values
            or not has_request_context()
            or any(type(value) not in _PLAIN for value in values.values())
        ):
            return self._app.url_for(endpoint, **values)  # type: ignore[arg-type]
        key = (request.script_root, endpoint, *sorted(values.items()))
        url = self._built.get(key)
        if url is None:
            url = self._app.url_for(endpoint, **values)  # type: ignore[arg-type]
            if len(self._built) < _MOST_REMEMBERED:
                self._built[key] = url
        return url


def install_remembered_url_for(app: Flask) -> None:
    """After every blueprint is registered: with a ``url_defaults`` function anywhere, addresses
    can depend on more than their values, and templates keep Flask's own ``url_for``."""
    if any(app.url_default_functions.values()):
        return
    app.jinja_env.globals["url_for"] = RememberedUrlFor(app)
