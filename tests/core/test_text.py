"""One check for every user-supplied text (the cases from issue 16)."""

import pytest

from stations.core.text import clean_text, clean_user_name, name_skeleton
from stations.errors import InvalidInput


def test_text_is_normalised_to_nfc_and_trimmed():
    assert clean_text("  Cafe\u0301 驿站 ", "name") == "Café 驿站"
    assert clean_text("   ", "name") is None
    assert clean_text(None, "name") is None


@pytest.mark.parametrize("bad", ["驿站\x00", "a\x07b", "驿站\u202egnp.exe", "x\u2066y"])
def test_control_and_bidi_characters_are_refused_naming_the_position(bad):
    with pytest.raises(InvalidInput) as err:
        clean_text(bad, "name")
    assert err.value.field == "name"
    assert "U+" in err.value.reason


def test_newlines_are_allowed_only_in_multiline_fields():
    assert clean_text("第一行\n第二行", "notes", multiline=True) == "第一行\n第二行"
    with pytest.raises(InvalidInput):
        clean_text("第一行\n第二行", "name")


@pytest.mark.parametrize("ghost", ["\u200b", "\u200b\u200d\ufeff", "\u2060"])
def test_text_of_only_invisible_characters_is_refused(ghost):
    with pytest.raises(InvalidInput, match="invisible"):
        clean_text(ghost, "name")


def test_each_field_has_a_length_limit_named_in_the_message():
    assert clean_text("x" * 1000, "status_reason")
    with pytest.raises(InvalidInput, match="at most 1000 characters, got 1000000"):
        clean_text("x" * 1_000_000, "status_reason")


def test_user_names_are_nfkc_and_single_words():
    assert clean_user_name("ａｄｍｉｎ１") == "admin1"
    with pytest.raises(InvalidInput):
        clean_user_name("ad min")
    with pytest.raises(InvalidInput):
        clean_user_name("\u200b")


def test_look_alike_user_names_share_a_skeleton():
    assert name_skeleton("\u0430dmin1") == name_skeleton("admin1")  # Cyrillic а
    assert name_skeleton("AdMin1") == name_skeleton("admin1")
    assert name_skeleton("zhang") != name_skeleton("wang")
