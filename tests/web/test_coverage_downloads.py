"""Downloads that say what they are, and the gap list: headers in the page's language,
percentages as such, widths, a parameters sheet, a telling file name, formulas as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import unquote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from stations.config import Settings
from stations.io.ledger import import_ledger
from stations.store.registry import Registry
from tests.support.ledgers import GOOD_ROWS, LEDGER_HEADER
from web.app import create_app

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("downloads")
    ledger = folder / "ledger.csv"
    with ledger.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(LEDGER_HEADER)
        writer.writerows(GOOD_ROWS)
    url = f"sqlite:///{folder / 'stations.db'}"
    reg = Registry.open(url)
    import_ledger(reg, ledger)
    reg.close()
    with TestClient(create_app(Settings(db=url, seed_demo=False))) as c:
        yield c


def file_name(response: object) -> str:
    disposition = response.headers["content-disposition"]  # type: ignore[attr-defined]
    return unquote(disposition.split("filename*=UTF-8''")[1])


@pytest.mark.parametrize(("lang", "first", "ratio", "sheet"), [
    pytest.param("zh", "行政区划代码", "面积覆盖率", "参数", id="chinese-by-default"),
    pytest.param("en", "adcode", "area covered", "parameters", id="english"),
])
def test_xlsx_headers_formats_widths_and_parameters(api: TestClient, lang: str, first: str,
                                                    ratio: str, sheet: str) -> None:
    response = api.get("/api/coverage.xlsx", params={"region": "410100", "radius_m": "1000.6",
                                                     "kind": "outdoor_worker_station",
                                                     "compliant_only": "false", "lang": lang})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    table, params = book.worksheets
    assert params.title == sheet
    header = [c.value for c in table[1]]
    assert header[0] == first and ratio in header
    col = header.index(ratio) + 1
    body = list(table.iter_rows(min_row=2))
    assert all(row[col - 1].number_format == "0.0%" for row in body)
    assert all(0 <= row[col - 1].value <= 1 for row in body)  # a fraction shown as a %
    area = header.index("面积（平方千米）" if lang == "zh" else "area (km²)")
    assert body[0][area].number_format == "#,##0.00"
    assert table.column_dimensions["B"].width >= 14
    assert body[-1][0].value == "410100" and body[-1][0].font.b  # totals last, in bold
    values = {row[0].value: row[1].value for row in params.iter_rows(min_row=2)}
    labels = " ".join(str(k) for k in values)
    for word in (("行政区", "半径", "站点类型", "只计检查合格", "站点状态", "登记库版本", "计算时间")
                 if lang == "zh" else ("region", "radius", "kind", "compliant only", "statuses",
                                       "registry revision", "computed at")):
        assert word in labels
    assert "郑州市 (410100)" in values.values()
    assert 1000 in values.values()  # 1000.6 m asked: whole metres
    name = file_name(response)
    assert name.startswith("coverage-410100-郑州市-by-county-r1000m-outdoor_worker_station-active")
    assert name.endswith(".xlsx")


def test_csv_percentages_bom_and_totals(api: TestClient) -> None:
    response = api.get("/api/coverage.csv", params={"region": "410100"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["行政区划代码", "行政区"]
    ratio = rows[0].index("面积覆盖率")
    assert all(r[ratio].endswith("%") for r in rows[1:])
    assert rows[-1][0] == "410100" and rows[-1][2] == "合计"


def test_the_gap_list_heaviest_first_with_county_and_distance(api: TestClient) -> None:
    body = api.get("/api/coverage/gaps", params={"region": "410100", "limit": 3}).json()
    gaps = body["gaps"]
    assert 0 < len(gaps) <= 3 and body["limit"] == 3
    weights = [g["uncovered_weight"] for g in gaps]
    assert weights == sorted(weights, reverse=True)
    for gap in gaps:
        assert gap["h3"] and -180 <= gap["lon"] <= 180
        assert gap["county_adcode"].startswith("4101") and gap["county_name"]
        assert gap["nearest_station_m"] > 0 and gap["nearest_station_id"]
        assert " / " in gap["reason"] and gap["basis"] == "stations_nearby"
    same = api.get("/api/coverage", params={"region": "410100", "gaps": "true"}).json()
    assert [g["h3"] for g in same["gaps"][:3]] == [g["h3"] for g in gaps]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_gap_files(api: TestClient, fmt: str) -> None:
    response = api.get(f"/api/coverage/gaps.{fmt}", params={"region": "410100", "lang": "en"})
    assert response.status_code == 200
    assert file_name(response).startswith("gaps-410100-")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, last = rows[0], rows[-1]
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = [[c for c in r] for r in book.worksheets[0].iter_rows(values_only=True)]
        header, last = rows[0], rows[-1]
        params = dict(book.worksheets[1].iter_rows(min_row=2, values_only=True))
        assert params["gaps ranked by"] == "stations nearby"
    assert header[:4] == ["rank", "H3 cell", "longitude", "latitude"]
    assert "to nearest station (m)" in header
    assert "total" in [str(v) for v in last]


def test_formula_like_names_stay_text_in_both_files() -> None:
    from stations.coverage import download

    columns = [*download.COVERAGE_COLUMNS[:2], download.COVERAGE_COLUMNS[3]]  # adcode, name, stations
    rows = [{"adcode": v, "name": v, "stations": -2} for v in HOSTILE]
    text = download.csv_bytes(columns, rows, "en").decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text, newline="")))[1:]
    # every text cell, "-2" too, keeps its apostrophe: a spreadsheet shows it as text
    assert [r[:2] for r in read] == [["'" + v] * 2 for v in HOSTILE]
    assert {r[2] for r in read} == {"-2"}  # a number stays a number
    book = openpyxl.load_workbook(io.BytesIO(download.xlsx_bytes(columns, rows, "en", "t", [])))
    cells = [list(row) for row in book.worksheets[0].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for row in cells for c in row[:2])
    # XML reads a CR back as a line feed; what matters is that it stays text
    assert [row[0].value for row in cells] == [v.replace("\r", "\n") for v in HOSTILE]
    assert {(row[2].data_type, row[2].value) for row in cells} == {("n", -2)}


def test_a_control_character_in_a_name_cannot_crash_a_coverage_xlsx() -> None:
    from stations.coverage import download

    rows = [{"adcode": "410102", "name": "中原\x01区"}]
    data = download.xlsx_bytes(download.COVERAGE_COLUMNS[:2], rows, "zh", "覆盖", [])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in book.worksheets[0][2]] == ["410102", "中原\ufffd区"]
