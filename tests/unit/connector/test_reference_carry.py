"""Reference data carried to a run's continuation: the same data back, or nothing when it may be stale."""

from __future__ import annotations

import datetime as dt

from oim_connector.model.settings import ConnectorSettings, GeneralSettings
from oim_connector.reference_carry import MAX_AGE, carry, reuse

from tests.unit.connector import builders as b

LOADED = dt.datetime(2026, 9, 15, 2, 0, tzinfo=dt.UTC)


def test_a_continuation_gets_the_same_reference_data_back() -> None:
    reference = b.reference()
    carried = carry(reference, ConnectorSettings(), LOADED)

    assert carried is not None
    assert reuse(carried, ConnectorSettings(), LOADED + dt.timedelta(minutes=5)) == reference


def test_reference_data_is_loaded_again_after_a_settings_change_or_when_old() -> None:
    carried = carry(b.reference(), ConnectorSettings(), LOADED)
    changed = ConnectorSettings(general=GeneralSettings(stale_claim_minutes=5))

    assert reuse(carried, changed, LOADED) is None
    assert reuse(carried, ConnectorSettings(), LOADED + MAX_AGE + dt.timedelta(seconds=1)) is None
    assert reuse(None, ConnectorSettings(), LOADED) is None
