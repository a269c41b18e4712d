"""pylti1p3 wired to this server: platforms from the database, keys from DATA/lti/.

    conf = tool_conf(db, config)                 # pylti1p3 ToolConfDict
    launch = message_launch(conf, factory)       # a FlaskMessageLaunch that refuses replays
    registration(db, config, platform)           # for grade passback outside a request

What pylti1p3 checks on a launch: the state cookie, the JWT's signature against
the platform's JWKS (`kid` and `alg`), the issuer and client id (the audience)
against a registered platform, the deployment id, the nonce, and the message
claims. On top of that: `exp` and `iat` are required, and a nonce is deleted the
first time it is checked, so a replayed id_token is refused.
"""
from __future__ import annotations

import json
import time

from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfDict
from sqlalchemy import delete, select

from autograder.server.db import session_scope
from autograder.server.models import KeyValue, LtiPlatform

LIFETIME = 3600


def _keys(config) -> tuple[str, str]:
    return ((config.lti_dir / "private.pem").read_text(), (config.lti_dir / "public.pem").read_text())


def platform_entry(platform: LtiPlatform) -> dict:
    return {"default": True, "client_id": platform.client_id, "auth_login_url": platform.auth_login_url,
            "auth_token_url": platform.auth_token_url, "auth_audience": platform.auth_audience,
            "key_set_url": platform.key_set_url, "key_set": None,
            "deployment_ids": json.loads(platform.deployment_ids or "[]")}


def tool_conf(db, config) -> ToolConfDict:
    """Every registered platform (one issuer may have several client ids), with our key pair."""
    private, public = _keys(config)
    by_issuer: dict[str, list] = {}
    for platform in db.scalars(select(LtiPlatform).order_by(LtiPlatform.id)):
        by_issuer.setdefault(platform.issuer, []).append(platform_entry(platform))
    conf = ToolConfDict(by_issuer)
    for issuer, entries in by_issuer.items():
        for entry in entries:
            conf.set_private_key(issuer, private, client_id=entry["client_id"])
            conf.set_public_key(issuer, public, client_id=entry["client_id"])
    return conf


def jwks(config) -> dict:
    return {"keys": [Registration.get_jwk(_keys(config)[1])]}


def registration(config, platform: LtiPlatform) -> Registration:
    private, public = _keys(config)
    reg = Registration()
    (reg.set_issuer(platform.issuer).set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url).set_tool_private_key(private).set_tool_public_key(public))
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    return reg


class DbStorage(LaunchDataStorage):
    """pylti1p3's launch storage in the `lti_kv` table, keyed by the browser's LTI session cookie."""

    def __init__(self, factory):
        super().__init__()
        self.factory = factory

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str):
        key = self._prepare_key(key)
        with session_scope(self.factory) as db:
            row = db.get(KeyValue, key)
            if row is None or row.expires_at < time.time():
                return None
            return json.loads(row.value)

    def set_value(self, key: str, value, exp: int | None = None) -> None:
        key = self._prepare_key(key)
        with session_scope(self.factory) as db:
            db.execute(delete(KeyValue).where(KeyValue.expires_at < time.time()))
            db.merge(KeyValue(key=key, value=json.dumps(value), expires_at=time.time() + (exp or LIFETIME)))

    def check_value(self, key: str) -> bool:
        return self.get_value(key) is not None

    def pop(self, key: str) -> bool:
        """Delete the key; True if it was there and fresh (exactly one caller wins)."""
        key = self._prepare_key(key)
        with session_scope(self.factory) as db:
            return db.execute(delete(KeyValue).where(KeyValue.key == key,
                                                     KeyValue.expires_at >= time.time())).rowcount == 1


class OnceSessionService(SessionService):
    """A nonce is good for one launch."""

    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.pop(self._get_key("nonce", nonce))


class MessageLaunch(FlaskMessageLaunch):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_jwt_verify_options({"verify_aud": False,        # pylti1p3 checks aud = client id
                                     "require": ["exp", "iat", "nonce", "iss", "aud"]})


def _services(factory):
    request = FlaskRequest()
    storage = DbStorage(factory)
    session_service = OnceSessionService(request)
    return request, storage, session_service


def oidc_login(conf, factory) -> FlaskOIDCLogin:
    request, storage, session_service = _services(factory)
    return FlaskOIDCLogin(request, conf, session_service=session_service, launch_data_storage=storage)


def message_launch(conf, factory) -> MessageLaunch:
    request, storage, session_service = _services(factory)
    return MessageLaunch(request, conf, session_service=session_service, launch_data_storage=storage)


def cached_launch(launch_id: str, conf, factory) -> MessageLaunch:
    request, storage, session_service = _services(factory)
    return MessageLaunch.from_cache(launch_id, request, conf, session_service=session_service,
                                    launch_data_storage=storage)
