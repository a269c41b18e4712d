"""A local LTI 1.3 platform for the tests, on 127.0.0.1 only: what Canvas or Moodle do, in small.

    platform = Platform(tool_url).start()     # its own RSA key, JWKS, endpoints on a free port
    platform.register(client_id, deployment_id)
    params = platform.login_params(user, roles, hint)   # what an LMS sends to the tool's OIDC login

Endpoints:
    GET  /jwks                  the platform's public key
    GET  /auth                  OIDC authorisation: answers with a form that posts the signed id_token
    POST /token                 OAuth2 client-credentials grant, with the tool's signed JWT assertion
    POST /deep_link_return      the tool's deep-linking response: creates a resource link and line item
    GET  /lineitems/<id>        a line item
    POST /lineitems/<id>/scores an AGS score (Bearer token with the score scope)

`tamper` changes the next id_token (forge, expire, audience) and `fail_scores`
makes the next score posts fail with 503, to test the tool's refusals and retries.
Every score received is kept in `scores`, with the time it came.
"""
from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
import uuid

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from budgets import POLL
from flask import Flask, abort, jsonify, request
from jwt import PyJWKClient
from werkzeug.serving import WSGIRequestHandler, make_server

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
ROLES = {"Learner": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
         "Instructor": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:     # thousands of requests in the load test
        pass


class Platform:
    def __init__(self, tool_url: str):
        self.tool_url = tool_url.rstrip("/")
        self.key, self.kid = new_key(), "platform-key-1"
        self.client_id = self.deployment_id = ""
        self.messages: dict[str, dict] = {}       # lti_message_hint -> what to launch
        self.links: dict[str, dict] = {}          # resource link id -> {custom, lineitem}
        self.lineitems: dict[str, dict] = {}
        self.tokens: dict[str, list[str]] = {}    # access token -> scopes
        self.scores: list[dict] = []
        self.score_posts = 0
        self.tamper: str | None = None
        self.fail_scores = 0
        self.lock = threading.Lock()
        self.app = self._make_app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": POLL})

    # --- set-up --------------------------------------------------------------------------
    def start(self) -> "Platform":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(timeout=5)

    def register(self, client_id: str = "nngrade-client", deployment_id: str = "deployment-1") -> dict:
        """The tool's registration, as the JSON `nngrade serve --lti-platform` reads."""
        self.client_id, self.deployment_id = client_id, deployment_id
        return {"issuer": self.url, "client_id": client_id, "auth_login_url": f"{self.url}/auth",
                "auth_token_url": f"{self.url}/token", "key_set_url": f"{self.url}/jwks",
                "deployment_ids": [deployment_id]}

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def add_link(self, link_id: str, assignment: str | None, score_maximum: float = 100.0) -> None:
        """A resource link set up by hand (without deep linking), with a line item."""
        item = self._new_lineitem(score_maximum, assignment or "", link_id)
        self.links[link_id] = {"custom": {"assignment": assignment} if assignment else {}, "lineitem": item}

    def login_params(self, user: str, role: str, link_id: str | None = None) -> dict:
        """What the LMS sends to the tool's OIDC login URL when `user` clicks a link (or adds one)."""
        hint = uuid.uuid4().hex
        self.messages[hint] = {"user": user, "role": role, "link": link_id}
        return {"iss": self.url, "login_hint": user, "target_link_uri": f"{self.tool_url}/lti/launch",
                "lti_message_hint": hint, "client_id": self.client_id,
                "lti_deployment_id": self.deployment_id}

    def scores_for(self, user: str) -> list[dict]:
        return [s for s in self.scores if s["userId"] == user]

    # --- tokens ------------------------------------------------------------------------------
    def id_token(self, claims: dict) -> str:
        key, audience, now = self.key, self.client_id, int(time.time())
        if self.tamper == "forge":
            key = new_key()                                   # same kid, another key
        if self.tamper == "audience":
            audience = "some-other-tool"
        exp = now - 60 if self.tamper == "expire" else now + 300
        body = {"iss": self.url, "aud": audience, "iat": now - (400 if self.tamper == "expire" else 0),
                "exp": exp, **claims}
        return jwt.encode(body, pem(key), algorithm="RS256", headers={"kid": self.kid})

    def _new_lineitem(self, score_maximum: float, label: str, link_id: str) -> str:
        item_id = str(len(self.lineitems) + 1)
        url = f"{self.url}/lineitems/{item_id}"
        self.lineitems[item_id] = {"id": url, "scoreMaximum": score_maximum, "label": label,
                                   "resourceLinkId": link_id}
        return url

    def _verify_tool_jwt(self, token: str, audience: str) -> dict:
        """A JWT signed by the tool: checked against the tool's own JWKS endpoint."""
        signing_key = PyJWKClient(f"{self.tool_url}/lti/jwks").get_signing_key_from_jwt(token)
        return jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=audience,
                          options={"require": ["exp", "iat", "iss", "aud"]})

    # --- the HTTP side -----------------------------------------------------------------------
    def _make_app(self) -> Flask:
        app = Flask("lti-platform")

        @app.get("/jwks")
        def jwks():
            return jsonify(self.jwks())

        @app.get("/auth")
        def auth():
            args = request.args
            if (args.get("client_id") != self.client_id or args.get("response_type") != "id_token"
                    or args.get("scope") != "openid" or not args.get("nonce")
                    or not args.get("redirect_uri", "").startswith(self.tool_url)):
                abort(400)
            message = self.messages.pop(args.get("lti_message_hint", ""), None)
            if message is None or message["user"] != args.get("login_hint"):
                abort(400)
            claims = {"sub": message["user"], "nonce": args["nonce"], "name": message["user"].title(),
                      "email": f"{message['user']}@uni.example", LTI + "version": "1.3.0",
                      LTI + "deployment_id": self.deployment_id, LTI + "roles": ROLES[message["role"]],
                      LTI + "context": {"id": "course-1", "title": "Neural networks"}}
            if message["link"] is None:
                claims.update({LTI + "message_type": "LtiDeepLinkingRequest",
                               DL + "deep_linking_settings": {
                                   "deep_link_return_url": f"{self.url}/deep_link_return",
                                   "accept_types": ["ltiResourceLink"],
                                   "accept_presentation_document_targets": ["iframe", "window"],
                                   "data": "dl-data-1"}})
            else:
                link = self.links[message["link"]]
                claims.update({LTI + "message_type": "LtiResourceLinkRequest",
                               LTI + "target_link_uri": f"{self.tool_url}/lti/launch",
                               LTI + "resource_link": {"id": message["link"]},
                               LTI + "custom": link["custom"],
                               AGS: {"scope": [SCORE_SCOPE, LINEITEM_SCOPE], "lineitem": link["lineitem"],
                                     "lineitems": f"{self.url}/lineitems"}})
            token = self.id_token(claims)
            self.tamper = None
            return (f'<form id="f" method="post" action="{html.escape(args["redirect_uri"])}">'
                    f'<input type="hidden" name="id_token" value="{token}">'
                    f'<input type="hidden" name="state" value="{html.escape(args["state"])}"></form>'
                    f'<script>document.getElementById("f").submit()</script>')

        @app.post("/token")
        def token():
            form = request.form
            if (form.get("grant_type") != "client_credentials" or form.get("client_assertion_type")
                    != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"):
                return jsonify(error="unsupported_grant_type"), 400
            try:
                claims = self._verify_tool_jwt(form.get("client_assertion", ""), f"{self.url}/token")
            except jwt.PyJWTError as exc:
                return jsonify(error="invalid_client", error_description=str(exc)), 401
            if claims["iss"] != self.client_id or claims["sub"] != self.client_id:
                return jsonify(error="invalid_client"), 401
            access = secrets.token_urlsafe(16)
            self.tokens[access] = form.get("scope", "").split()
            return jsonify(access_token=access, token_type="Bearer", expires_in=3600,
                           scope=form.get("scope", ""))

        @app.post("/deep_link_return")
        def deep_link_return():
            claims = self._verify_tool_jwt(request.form.get("JWT", ""), self.url)
            if (claims.get(LTI + "message_type") != "LtiDeepLinkingResponse"
                    or claims.get(LTI + "deployment_id") != self.deployment_id
                    or claims.get(DL + "data") != "dl-data-1"):
                abort(400)
            created = []
            for item in claims.get(DL + "content_items", []):
                link_id = f"rl-{len(self.links) + 1}"
                lineitem = item.get("lineItem") or {}
                url = self._new_lineitem(lineitem.get("scoreMaximum", 0), lineitem.get("label", ""), link_id)
                self.links[link_id] = {"custom": item.get("custom") or {}, "lineitem": url,
                                       "title": item.get("title", "")}
                created.append(link_id)
            return jsonify(created=created)

        def bearer_scopes() -> list[str]:
            auth = request.headers.get("Authorization", "")
            scopes = self.tokens.get(auth[7:] if auth.startswith("Bearer ") else "")
            if scopes is None:
                abort(401)
            return scopes

        @app.get("/lineitems/<item_id>")
        def lineitem(item_id):
            bearer_scopes()
            return jsonify(self.lineitems.get(item_id) or abort(404))

        @app.post("/lineitems/<item_id>/scores")
        def score(item_id):
            if SCORE_SCOPE not in bearer_scopes():
                abort(403)
            if item_id not in self.lineitems:
                abort(404)
            if request.mimetype != "application/vnd.ims.lis.v1.score+json":
                abort(415)
            with self.lock:
                self.score_posts += 1
                if self.fail_scores > 0:
                    self.fail_scores -= 1
                    return jsonify(error="try later"), 503
                body = json.loads(request.get_data(as_text=True))
                for field in ("userId", "scoreGiven", "scoreMaximum", "timestamp", "activityProgress",
                              "gradingProgress"):
                    if field not in body:
                        return jsonify(error=f"missing {field}"), 400
                body["lineitem"] = item_id
                self.scores.append(body)
            return "", 204

        return app


class Browser:
    """A user agent for the tests: one cookie jar, follows the LTI dance like a browser would."""

    def __init__(self):
        self.http = requests.Session()

    def launch(self, platform: Platform, tool_url: str, user: str, role: str, link: str | None = None,
               before_post=None) -> requests.Response:
        """OIDC login at the tool → platform /auth → the auto-posted id_token → the tool's answer."""
        login = self.http.post(f"{tool_url}/lti/login", data=platform.login_params(user, role, link),
                               allow_redirects=False, timeout=30)
        assert login.status_code == 302, login.text[:500]
        form = self.http.get(login.headers["Location"], timeout=30)
        assert form.status_code == 200, form.text[:500]
        fields = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', form.text))
        action = html.unescape(re.search(r'action="([^"]+)"', form.text).group(1))
        if before_post is not None:
            before_post(action, fields)
        return self.http.post(action, data=fields, allow_redirects=False, timeout=60)

    def last_post(self, action: str, fields: dict) -> requests.Response:
        return self.http.post(action, data=fields, allow_redirects=False, timeout=60)
