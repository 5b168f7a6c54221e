"""Ledgers as a union clerk sends them: a workbook with a merged title, a 填报 line with an
Excel date, headers typed with line breaks, numbers stored as Excel numbers, kinds and
statuses in local words, hours and services written every which way, a 合计 row and a
制表人 line; a second sheet of driver homes with labelled coordinate cells; a GBK CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment

TITLE = "郑州市户外劳动者服务站点建设情况统计表"
HEADER = ["序号", "站点\n名称", "站点\n类型", "所属区", "详细地址", "经度\n（E）", "纬度\n（N）",
          "开放\n时间", "服务\n内容", "联系人", "运营\n状态", "建成时间", "备注"]
FIRST_ROW = 4  # title, 填报 line, header
# Each row: the cells as typed, and (a comment on) what the clerk meant.
ROWS = [
    [1, "金水区花园路暖心驿站 ", "暖心驿站", "金水区", "郑州市金水区花园路1号", 113.6812, 34.7751,
     "8：00—18：00", "1.饮水 2.充电 3.休息", "张三", "正常运营", datetime(2023, 5, 1), ""],
    [2, "二七区大学路劳动者港湾", "劳动者港湾", "二七区", "大学路80号", None, None,
     "周一至周五8:00-18:00，周六、日9:00-17:00", "①饮水②热水③如厕", "", "在建", None, "无坐标"],
    [3, "管城区紫荆山路驿站", "工会驿站", "", "郑州市管城区紫荆山路", "113°40′52.3″", "34°45′18″",
     "工作日：8:30-17:30，周末休息", "冷暖空调、WIFI、职工书屋、应急药箱", "", "正常", None, ""],
    [4, "中原区建设路爱心驿站", "户外劳动者服务站点", "中原区", "郑州市中原区建设路", "E113.6245", "N34.7481",
     "早八点至晚六点", "冷可取暖、热可纳凉、渴可喝水、累可歇脚、伤可用药、学可读报、用电可充", "", "运行中",
     None, ""],
    [5, "惠济区天河路驿站", "驿站", "惠济区", "郑州市惠济区天河路", 113.61, 34.86,
     "8:00-17:00(周一至周五)", "饮水、充电、雨伞", "", "正常", None, ""],
    [6, "金水区黄河路夜间驿站", "驿站", "金水区", "郑州市金水区黄河路", 113.673, 34.775,
     "18:00-次日6:00", "热水、微波炉", "", "正常", None, ""],
    [7, "金水区东风路驿站", "驿站", "金水区", "郑州市金水区东风路", 113.69, 34.80,
     "周一至周五全天", "无", "", "正常", None, ""],
    [8, "金水区文化路驿站", "驿站", "金水区", "郑州市金水区文化路", 113.65, 34.80,
     "夏季8:00-19:00；冬季8:30-18:00", "饮水", "", "正常", None, ""],
    [9, "金水区国基路驿站", "驿站", "金水区", "郑州市金水区国基路", 113.66, 34.82,
     "8:00-18:00，法定节假日休息", "饮水", "", "正常", None, ""],
    [10, "二七区京广路驿站", "驿站", "二七区", "郑州市二七区京广路", 113.69, 34.80,  # in 金水区
     "24H", "饮水", "", "正常", None, ""],
]
NOTES = [
    ["合计", "", "", "", "", "", "", "", "", "", "", "", "10个"],
    ["制表人：王五", "", "", "审核人：赵六", "", "", "", "联系电话：0371-12345678"],
]
DRIVER_HEADER = ["序号", "名称", "所在地", "经纬度", "服务项目", "货车车位", "运营状态", "状态日期"]
DRIVER_ROWS = [
    [1, "中牟司机之家", "郑州市中牟县", "东经：114.0212，北纬：34.7185", "淋浴、洗衣、热水、床铺、货车停车", 40,
     "运营", datetime(2020, 12, 1)],
    [2, "新郑司机之家", "郑州市新郑市", "经度113.7405 纬度34.3958", "洗浴、餐厅、停车", "", "暂停服务", ""],
    [3, "荥阳司机之家", "郑州市荥阳市", "113.3834,34.7871。", "热水、住宿", "", "已建成", ""],
]


def write_union_workbook(path: Path) -> Path:
    """An instructions sheet, the station ledger, and a sheet of driver homes."""
    book = Workbook()
    info = book.active
    info.title = "填表说明"
    info.append(["说明：坐标请用高德地图拾取，服务内容用顿号分隔。"])
    sheet = book.create_sheet("户外劳动者服务站点")
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(["填报单位（盖章）：郑州市总工会", "", "", "", "", "", "", "", "", "填报时间：",
                  datetime(2024, 5, 10)])
    sheet.append(HEADER)
    for cell in sheet[3]:
        cell.alignment = Alignment(wrap_text=True)
    for row in ROWS:
        sheet.append(row)
    sheet.append([])
    for row in NOTES:
        sheet.append(row)
    titled_sheet(book.create_sheet("司机之家"), "郑州市司机之家名单", DRIVER_HEADER, DRIVER_ROWS)
    book.save(path)
    return path


def titled_sheet(sheet: Any, title: str, header: list[str], rows: list[list[object]]) -> Any:
    """A sheet with a title merged across the table, the header and the rows."""
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return sheet


GBK_ROWS = [
    ["南京市户外劳动者服务站点（爱心驿站）一览表", "", "", "", "", "", ""],
    ["序号", "驿站名称", "所属区", "站点地址", "经纬度", "开放时间", "服务项目"],
    ["", "", "", "", "", "", ""],
    ["1", "\u3000秦淮区夫子庙驿站\u3000", "秦淮区", "贡院街1号", "", "营业时间：9:00-21:00", "饮水、热水"],
    ["2", "江宁开发区驿站", "", "江宁经济技术开发区将军大道", "", "8:00-次日8:00", "饮水"],
    ["3", "建邺区河西驿站", "建邺区", "建邺区江东中路", "经度：118.7320；纬度：32.0040", "AM8:00-PM6:00", "饮水"],
    ["合计", "3个", "", "", "", "", ""],
    ["制表人：王五", "", "", "", "", "", ""],
]


def write_clerk_gbk_csv(path: Path) -> Path:
    """A GBK ledger of Nanjing: a 所属区 column, a development zone, labelled coordinates."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(GBK_ROWS)
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


# Cells the readers in stations.io.cells understand, but that the row parser must hand to
# them (see the xfail test): line breaks, placeholders, phones with names, dates, counts.
WIRED_HEADER = ["序号", "站点名称", "所属区", "详细地址", "经度", "纬度", "开放时间", "服务内容",
                "联系电话", "状态日期", "货车车位"]
WIRED_ROWS = [
    [1, "金水区花园路驿站", "金水区", "郑州市金水区花园路1号\n（工商银行一楼）", 113.6812, 34.7751,
     "周一至周五 8:30-17:30\n周六 9:00-12:00", "饮水机\n微波炉", "王师傅 13903711234", "2024年3月1日", "40个"],
    [2, "金水区经三路驿站", "金水区", "郑州市金水区经三路18号", "/", "/", "——", "无", "无", "2024.3.1", "约50"],
    [3, "金水区农业路驿站", "金水区", "郑州市金水区农业路", 113.68, 34.79, "8:00-18:00", "饮水",
     "0371－63251234", "2024/3/1", ""],
    [4, "金水区文化路驿站", "金水区", "郑州市金水区文化路", 113.65, 34.80, "8:00-18:00", "饮水",
     "1.38123E+10", "2024年3月", ""],
]


def write_wired_workbook(path: Path, rows: list[list[object]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(WIRED_HEADER)
    for row in WIRED_ROWS if rows is None else rows:
        sheet.append(row)
    book.save(path)
    return path


# Facilities as columns of ticks; a pair typed into the 经度 (or 纬度) cell.
TICKS_HEADER = ["序号", "站点名称", "所属区", "详细地址", "经度", "纬度", "冷热水", "微波炉", "卫生间", "空调",
                "充电", "应急药箱\n（个）", "桌椅", "书报", "备注"]
TICKS_ROWS = [
    [1, "金水区花园路驿站", "金水区", "郑州市金水区花园路1号", 113.68, 34.78, "√", "√", "", "√", "✓", 1, "有",
     "", ""],
    [2, "二七区大学路驿站", "二七区", "郑州市二七区大学路80号", "113.64,34.72", None, "有", "无", "有", "×", "",
     0, "", "是", "新建"],
    [3, "中原区建设路驿站", "中原区", "郑州市中原区建设路", None, "113.62，34.75", "", "", "√", "", "", "", "", "",
     ""],
]


def write_ticks_workbook(path: Path) -> Path:
    book = Workbook()
    book.active.title = "设施配备"
    titled_sheet(book.active, "郑州市户外劳动者服务站点设施配备情况", TICKS_HEADER, TICKS_ROWS)
    book.save(path)
    return path
