"""The bounded JSON reader names where a request goes too deep or holds a number too long: the
path follows list positions (after commas and closed containers) and object keys, and an
unreadable key is left out of the path rather than guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules import InputError
from rules.json_input import MAX_JSON_DEPTH, bounded_loads


def _problem(text: str) -> tuple[str, str]:
    with pytest.raises(InputError) as raised:
        bounded_loads(text)
    [problem] = raised.value.problems
    return problem.path, problem.code


def test_depth_is_counted_along_list_positions_after_closed_containers() -> None:
    text = "[[0]," + "[" * 70 + "]" * 70 + "]"
    path, code = _problem(text)
    assert code == "json_too_deep"
    assert path == "[1]" + "[0]" * (MAX_JSON_DEPTH - 1)


def test_objects_opened_without_a_key_are_too_deep_at_the_root() -> None:
    assert _problem("{" * (MAX_JSON_DEPTH + 6)) == ("", "json_too_deep")


def test_an_unreadable_key_is_left_out_of_the_path() -> None:
    text = '{"\\q": ' + "[" * 70 + "]" * 70 + "}"
    assert _problem(text) == ("[0]" * (MAX_JSON_DEPTH - 1), "json_too_deep")


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("[1, " + "1" * 50 + "]", "[1]"),
        ('{"a": [{"b": 2}, [3, ' + "9" * 60 + "]]}", "a[1][1]"),
    ],
)
def test_a_number_too_long_is_named_by_its_path_in_lists(text: str, path: str) -> None:
    assert _problem(text) == (path, "number_too_long")


def test_a_comma_between_keys_and_a_stray_closing_do_not_lose_the_count() -> None:
    deep = "[" * 70 + "]" * 70
    assert _problem('{"a": 1, "b": ' + deep + "}") == (
        "b" + "[0]" * (MAX_JSON_DEPTH - 1),
        "json_too_deep",
    )
    assert _problem("]" + "[" * 70) == ("[0]" * MAX_JSON_DEPTH, "json_too_deep")


def test_many_shallow_containers_read_whole() -> None:
    """More brackets than the depth limit, none deeper than two: read, not refused."""
    assert bounded_loads("[" + "[]," * 70 + "[]]") == [[]] * 71


def test_a_number_too_long_then_overwritten_by_a_repeated_key_is_still_refused() -> None:
    assert _problem('{"a": ' + "1" * 50 + ', "a": 1}') == ("", "number_too_long")


def test_a_byte_order_mark_is_unreadable_json_as_json_loads_says() -> None:
    for raw in ("\ufeff{}", "\ufeff{}".encode()):
        with pytest.raises(InputError) as raised:
            bounded_loads(raw)
        assert raised.value.problems[0].code == "json"
        assert "BOM" in raised.value.summary


def test_a_decimal_too_long_is_refused_and_the_next_document_is_read() -> None:
    assert _problem('{"a": 1.' + "5" * 45 + "}") == ("a", "number_too_long")
    assert bounded_loads('{"a": 1.5, "b": -12}') == {"a": Decimal("1.5"), "b": -12}
