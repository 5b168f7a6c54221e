"""The CQL2-text parser behind the OGC ``filter`` parameter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stations.core.cql import parse_cql2
from stations.errors import InvalidInput

PROPS = ("kind", "status", "name", "county", "updated")


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        pytest.param("kind = 'driver_home'", ("cmp", "=", "kind", "driver_home"), id="equals"),
        pytest.param("name = 'O''Brien'", ("cmp", "=", "name", "O'Brien"), id="quote-in-string"),
        pytest.param('"kind" <> \'x\'', ("cmp", "<>", "kind", "x"), id="quoted-name"),
        pytest.param("(kind = 'a') AND (status = 'b')",
                     ("and", ("cmp", "=", "kind", "a"), ("cmp", "=", "status", "b")), id="gdal-and"),
        pytest.param("kind = 'a' OR kind = 'b' AND status = 'c'",
                     ("or", ("cmp", "=", "kind", "a"),
                      ("and", ("cmp", "=", "kind", "b"), ("cmp", "=", "status", "c"))), id="precedence"),
        pytest.param("NOT county LIKE '%区'", ("not", ("like", "county", "%区")), id="not-like"),
        pytest.param("county not like '金%'", ("not", ("like", "county", "金%")), id="lowercase"),
        pytest.param("status IN ('active', 'planned')", ("in", "status", ("active", "planned")), id="in"),
        pytest.param("county IS NOT NULL", ("not", ("null", "county")), id="is-not-null"),
        pytest.param("updated > TIMESTAMP('2024-01-01T00:00:00Z')",
                     ("cmp", ">", "updated", datetime(2024, 1, 1, tzinfo=UTC)), id="timestamp"),
        pytest.param("updated BETWEEN DATE('2024-01-01') AND DATE('2024-02-01')",
                     ("between", "updated", datetime(2024, 1, 1, tzinfo=UTC),
                      datetime(2024, 2, 1, tzinfo=UTC)), id="between-dates"),
    ],
)
def test_parses(text: str, tree: tuple[object, ...]) -> None:
    assert parse_cql2(text, PROPS) == tree


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("beer = 'x'", "cannot filter on 'beer'", id="unknown-property"),
        pytest.param("kind = ", "expected a value", id="no-value"),
        pytest.param("kind = 'a' AND", "expected a property", id="dangling-and"),
        pytest.param("(kind = 'a'", "expected )", id="unclosed"),
        pytest.param("kind = 'a' kind", "unexpected 'kind'", id="trailing"),
        pytest.param("kind ~ 'a'", "cannot read the filter at character 6", id="bad-operator"),
        pytest.param("kind NOT = 'a'", "NOT here must be followed", id="misplaced-not"),
        pytest.param("updated > TIMESTAMP('soon')", "not a timestamp", id="bad-timestamp"),
    ],
)
def test_refuses_saying_where(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_cql2(text, PROPS)
    assert caught.value.field == "filter" and says in caught.value.reason
