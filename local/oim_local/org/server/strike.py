"""Hold an answer at a chosen write, so a chaos harness can SIGKILL the client exactly there.

Armed through ``/__local/strike`` with a place: ``after_commit`` (any graph request whose graphs
committed) or ``between_large_graphs`` (a committed graph that left a large document marked
incomplete, so the next graph of that document is still to come). The request that matches
commits, then waits (up to ``hold_seconds``) before answering; the harness sees ``struck``,
kills the client and releases. The client never gets the answer: the kill lands after the
commit and before the answer, or between the graphs of one document.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

Place = Literal["after_commit", "between_large_graphs"]
PLACES: tuple[Place, ...] = ("after_commit", "between_large_graphs")
INCOMPLETE_FIELD = "OIM_Export_Incomplete__c"


class Strike:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: Place | None = None
        self._struck: Place | None = None
        self._release = threading.Event()
        self.hold_seconds = 60.0

    def arm(self, place: Place) -> None:
        with self._lock:
            self._armed, self._struck = place, None
            self._release.clear()

    def release(self) -> None:
        with self._lock:
            self._armed = None
        self._release.set()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"armed": self._armed, "struck": self._struck}

    def after_graphs(self, committed: list[list[dict[str, Any]]]) -> None:
        """Called with each committed graph's node bodies, before the answer is sent."""
        with self._lock:
            place = self._armed
            if place is None or not committed:
                return
            if place == "between_large_graphs" and not any(
                isinstance(body, dict) and body.get(INCOMPLETE_FIELD) is True for graph in committed for body in graph
            ):
                return
            self._armed, self._struck = None, place
        self._release.wait(self.hold_seconds)
