"""Start a local org in this process: an ``OrgStore`` served over HTTPS on 127.0.0.1.

Used by the connector's tests, the handler runner, the demo and ``org serve``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from oim_local.org.schema import Schema
from oim_local.org.server.app import OrgApp, OrgSettings
from oim_local.org.server.auth import new_token
from oim_local.org.server.counters import Counters
from oim_local.org.server.faults import FaultPlan
from oim_local.org.server.httpd import LOOPBACK, OrgHttpServer
from oim_local.org.server.jwt_bearer import load_rsa_public_key
from oim_local.org.server.limits import DEFAULT_DAILY_LIMIT, DEFAULT_TOKEN_TTL_SECONDS
from oim_local.org.server.oauth import OAuthConfig
from oim_local.org.server.tls import ensure_certificate, server_context
from oim_local.org.store import OrgStore

__all__ = ["Counters", "FaultPlan", "RunningOrg", "start_local_org"]


@dataclass
class RunningOrg:
    """A serving local org. Trust ``ca_cert`` (``requests`` ``verify=``) and send
    ``Authorization: Bearer <token>`` to ``instance_url``. ``stop()`` also closes the store."""

    instance_url: str
    token: str
    ca_cert: Path
    store: OrgStore
    app: OrgApp = field(repr=False)
    _server: OrgHttpServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _stopped: bool = field(default=False, repr=False)

    def counters(self) -> Counters:
        return self.app.counters()

    def reset_counters(self) -> None:
        self.app.reset_counters()

    def set_faults(self, plan: FaultPlan | None) -> None:
        self.app.set_faults(plan)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self.app.close()
        self._thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> RunningOrg:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_local_org(
    db_path: Path,
    *,
    port: int = 0,
    token: str | None = None,
    faults: FaultPlan | None = None,
    daily_limit: int = DEFAULT_DAILY_LIMIT,
    client_id: str | None = None,
    client_secret: str | None = None,
    jwt_public_key_pem: bytes | None = None,
    jwt_username: str | None = None,
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS,
    schema: Schema | None = None,
) -> RunningOrg:
    """Open (or create) the org in ``db_path`` and serve it on ``port`` (0: any free port).

    ``schema``: another data model than the shipped one (an org that spells some names its own way).
    """
    db_path = Path(db_path)
    tls = ensure_certificate(db_path)
    public_key = load_rsa_public_key(jwt_public_key_pem) if jwt_public_key_pem else None
    store = OrgStore(db_path, schema)
    try:
        server = OrgHttpServer(port, server_context(tls))
    except BaseException:
        store.close()
        raise
    instance_url = f"https://{LOOPBACK}:{server.port}"
    static_token = token or new_token()
    oauth = OAuthConfig(
        instance_url=instance_url,
        client_id=client_id,
        client_secret=client_secret,
        jwt_public_key=public_key,
        jwt_username=jwt_username,
    )
    settings = OrgSettings(
        instance_url=instance_url,
        static_token=static_token,
        daily_limit=daily_limit,
        token_ttl_seconds=token_ttl_seconds,
        oauth=oauth,
    )
    app = OrgApp(store, settings, faults=faults)
    server.app = app
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"local-org:{server.port}", daemon=True
    )
    thread.start()
    return RunningOrg(
        instance_url=instance_url,
        token=static_token,
        ca_cert=tls.cert,
        store=store,
        app=app,
        _server=server,
        _thread=thread,
    )
