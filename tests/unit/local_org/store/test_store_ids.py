"""Record ids look and check like Salesforce's."""

from __future__ import annotations

import pytest
from oim_local.org.ids import is_valid_id, new_id, to_18


def test_a_15_character_id_gets_salesforces_checksum() -> None:
    # The example from Salesforce's documentation of the 18-character form.
    assert to_18("0015000000Gv7qJ") == "0015000000Gv7qJAAR"


def test_new_ids_are_valid_unique_and_sort_in_creation_order() -> None:
    ids = [new_id("a2A", serial) for serial in range(1, 5000)]
    assert all(len(i) == 18 and is_valid_id(i) and i.startswith("a2A") for i in ids)
    assert len(set(ids)) == len(ids)
    assert [i[:15] for i in ids] == sorted(i[:15] for i in ids)


@pytest.mark.parametrize(
    "value",
    ["", "001", "0015000000Gv7qJAAA", "0015000000Gv7q!", "0015000000Gv7qJAA", "0015000000Gv7qJAAR1"],
)
def test_malformed_ids_are_refused(value: str) -> None:
    assert not is_valid_id(value)
    with pytest.raises(ValueError, match="not a Salesforce id"):
        to_18(value)


def test_an_18_character_id_is_valid_whatever_the_case_of_its_suffix() -> None:
    assert is_valid_id("0015000000Gv7qJAAR")
    assert is_valid_id("0015000000Gv7qJaar")
    assert to_18("0015000000Gv7qJaar") == "0015000000Gv7qJAAR"


def test_a_bad_key_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="key prefix"):
        new_id("a2", 1)
