"""A real OpenID Connect provider for the test suite, built from Authlib's server components.

It runs in a process of its own (``python -m tests.oidc_provider.server --port 0``) so the platform
talks real HTTP to it, as to a municipality's provider. One process serves several independent
issuers ("tenants", see tenants.py), one per path: ``http://127.0.0.1:<port>/<tenant>``. Under
``/_test/...`` a JSON control API lets tests configure tenants, choose who signs in, break ID tokens
or the service on purpose, rotate keys and read what a tenant received. All state is in memory;
changes are single assignments or list appends, which the GIL keeps consistent across threads.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import threading
import time
from typing import Any

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Flask, Response, abort, g, request
from werkzeug.serving import make_server

from tests.oidc_provider.tenants import AUTH_METHODS, SCOPES, TAMPER_MODES, Client, Tenant

TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
OUTAGE_MODES = frozenset({"down", "garbage", "token_error", "slow"})
# The endpoints a client calls server-to-server, which outages affect.
OUTAGE_ENDPOINTS = frozenset({"discovery", "jwks", "token"})
LOGOUT_FIELDS = ("id_token_hint", "post_logout_redirect_uri", "state", "client_id")


def _text(body: str, status: int, content_type: str = "text/plain") -> Response:
    return Response(body, status=status, content_type=f"{content_type}; charset=utf-8")


def create_app() -> Flask:
    """The provider's app; ``BASE_URL`` in its config is filled in once the socket is bound."""
    app = Flask(__name__)
    tenants: dict[str, Tenant] = {}
    issuer_bp = Blueprint("issuer", __name__, url_prefix="/<tenant_name>")
    control_bp = Blueprint("control", __name__, url_prefix="/_test")

    def tenant_or_404(name: str) -> Tenant:
        if name not in tenants:
            abort(404, description=f"No tenant {name!r} is configured.")
        return tenants[name]

    @issuer_bp.url_value_preprocessor
    def load_tenant(endpoint, values):
        g.tenant = tenant_or_404(values.pop("tenant_name"))

    @issuer_bp.before_request
    def record_and_misbehave():
        tenant: Tenant = g.tenant
        name = (request.endpoint or "").rsplit(".", 1)[-1]
        auth = request.headers.get("Authorization", "")
        tenant.received.append(
            {
                "method": request.method,
                "path": request.path,
                "endpoint": name,
                "args": request.args.to_dict(),
                "form": request.form.to_dict(),
                "auth_scheme": auth.split(" ", 1)[0] if auth else None,
            }
        )
        mode = tenant.outage
        if mode == "slow" and name in {"discovery", "token"}:
            time.sleep(tenant.outage_seconds)
        elif mode == "down" and name in OUTAGE_ENDPOINTS:
            return _text("Service Unavailable", 503)
        elif mode == "garbage" and name in OUTAGE_ENDPOINTS:
            return _text("<html>not json", 200, "text/html")
        elif mode == "token_error" and name == "token":
            return {"error": "invalid_grant"}, 400
        return None

    @issuer_bp.get("/.well-known/openid-configuration", endpoint="discovery")
    def discovery():
        issuer = g.tenant.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": SCOPES,
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
        }

    @issuer_bp.get("/authorize")
    def authorize():
        tenant: Tenant = g.tenant
        try:  # Authlib judges the request before anyone could sign in.
            grant = tenant.get_consent_grant(end_user=tenant.person)
        except OAuth2Error as error:
            return tenant.handle_error_response(None, error)
        if tenant.person is None:
            return _text("Nobody is set to sign in at this test provider (next_person).", 400)
        return tenant.create_authorization_response(grant=grant, grant_user=dict(tenant.person))

    @issuer_bp.post("/token")
    def token():
        return g.tenant.create_token_response()

    @issuer_bp.get("/jwks")
    def jwks():
        return g.tenant.public_jwks()

    @issuer_bp.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
        expiry, person = g.tenant.tokens.get(access_token, (0.0, None))
        if scheme.lower() != "bearer" or person is None or expiry < time.time():
            response = _text("", 401)
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return dict(person)

    @issuer_bp.route("/logout", methods=["GET", "POST"])
    def logout():
        tenant: Tenant = g.tenant
        entry: dict[str, Any] = {name: request.values.get(name) for name in LOGOUT_FIELDS}
        tenant.logouts.append(entry)
        try:
            validated = tenant.validate_endpoint_request("end_session")
        except OAuth2Error as error:
            entry["error"] = error.error
            return tenant.handle_error_response(None, error)
        entry["redirected_to"] = validated.redirect_uri
        response = tenant.create_endpoint_response("end_session", validated)
        return response or _text("You are signed out.", 200)

    @control_bp.post("/reset")
    def reset():
        tenants.clear()
        return {"ok": True}

    @control_bp.post("/tenants/<name>")
    def configure(name):
        data = request.get_json()
        if not TENANT_NAME.match(name):
            abort(400, description="Tenant names are lower-case letters, digits and '-'.")
        if not data.get("client_id") or not data.get("client_secret"):
            abort(400, description="client_id and client_secret are required.")
        if name not in tenants:
            tenants[name] = Tenant(name, f"{app.config['BASE_URL']}/{name}")
        tenants[name].clients[data["client_id"]] = Client(
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            redirect_uris=list(data.get("redirect_uris", [])),
            post_logout_redirect_uris=list(data.get("post_logout_redirect_uris", [])),
        )
        return {"issuer": tenants[name].issuer}

    @control_bp.post("/tenants/<name>/<any(person, tamper, outage, 'rotate-keys'):setting>")
    def change(name, setting):
        """Who signs in next, how tokens or the service break, or a new signing key."""
        tenant, data = tenant_or_404(name), request.get_json()
        mode = data.get("mode")
        if setting == "person":
            if not isinstance(data.get("claims"), dict) or not data["claims"].get("sub"):
                abort(400, description="claims with a 'sub' are required.")
            tenant.person = data["claims"]
        elif setting == "tamper":
            if mode is not None and mode not in TAMPER_MODES:
                abort(400, description=f"Unknown tamper mode {mode!r}.")
            tenant.tamper = mode
        elif setting == "outage":
            if mode is not None and mode not in OUTAGE_MODES:
                abort(400, description=f"Unknown outage mode {mode!r}.")
            tenant.outage, tenant.outage_seconds = mode, float(data.get("seconds") or 0)
        else:
            tenant.rotate_keys(keep_old=bool(data.get("keep_old", True)))
        return {"kids": [key.kid for key in tenant.keys]}

    @control_bp.get("/tenants/<name>/<any(requests, logouts):log>")
    def read_log(name, log):
        tenant = tenant_or_404(name)
        return list(tenant.received if log == "requests" else tenant.logouts)

    app.register_blueprint(control_bp)
    app.register_blueprint(issuer_bp)
    return app


def _exit_with_parent() -> None:
    """Stop serving if whoever started us is gone, so a killed test run leaves no server behind."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on stderr
    app = create_app()
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    print(f"READY {app.config['BASE_URL']}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
