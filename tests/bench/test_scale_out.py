"""Scale-out shown, not just described: two gunicorn instances on one database share sessions and
data; an instance with another secret key does not accept the session."""

from __future__ import annotations

from bench.dataset import generate
from bench.scale_out import show_scale_out
from bench.sizes import SIZES


def test_two_instances_serve_one_session(database_factory) -> None:
    url = database_factory.create()
    generate(url, SIZES["XS"])

    result = show_scale_out(url, quiet=True)

    assert result.first_url != result.second_url
    assert result.session_valid_on_second
    assert result.write_on_second_read_on_first
    assert result.other_key_refuses_session
