"""Ledgers as unions keep them: a merged title row, a date line, a 序号 column, a two-row
header, section rows, notes at the bottom, several sheets; and a GBK CSV."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

TITLE = "郑州市户外劳动者服务站点（爱心驿站）台账"
# 序号 | 站点名称 | 所在区县 | 详细地址 | 坐标 (经度 | 纬度) | 服务内容 | 服务时间 | 联系方式
HEADER_TOP = ["序号", "站点名称", "所在区县", "详细地址", "坐标", "", "服务内容", "服务时间", "联系方式"]
HEADER_BOTTOM = ["", "", "", "", "经度", "纬度", "", "", ""]
ROWS = [
    # section row, then stations of that district
    ["一、金水区"],
    [1, "金水区花园路爱心驿站", "金水区", "郑州市金水区花园路1号", "113°39′36.4″", "34°46′43″",
     "饮水、热水、微波炉，休息", "8:00—18:00", "0371-12345678"],
    [2, "金水区经三路工会驿站", "", "郑州市金水区经三路18号", "１１３．６８１２", "３４．７７５１",
     "冷热水、空调、手机充电等服务", "全天", ""],
    ["二、二七区"],
    [3, "二七区大学路驿站", "二七区", "大学路80号", "", "", "饮用水、卫生间、拖鞋", "8:30~17:30", ""],
    [4, "航空港区司机服务点", "航空港区", "郑州航空港区新港大道", "", "", "热水；淋浴", "24小时", ""],
]
NOTES = [
    ["备注：坐标取自高德地图。"],
    ["制表人：张三", "", "审核人：李四", "", "日期：2024年3月"],
]


def write_messy_xlsx(path: Path) -> Path:
    """Three sheets: an instructions sheet, the ledger, and a second, smaller list."""
    book = Workbook()
    info = book.active
    info.title = "填表说明"
    info.append(["说明：请按表格填写，坐标用高德地图拾取。"])
    info.append(["联系人：王五"])
    sheet = book.create_sheet("驿站台账")
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER_TOP))
    sheet.append(["填报单位：郑州市总工会", "", "", "", "", "", "", "填报日期：2024-03-01"])
    sheet.append(HEADER_TOP)
    sheet.merge_cells(start_row=3, start_column=5, end_row=3, end_column=6)
    sheet.append(HEADER_BOTTOM)
    for row in ROWS:
        sheet.append(row)
    sheet.append([])
    for row in NOTES:
        sheet.append(row)
    other = book.create_sheet("司机之家")
    other.append(["序号", "名称", "地址", "经纬度", "服务项目"])
    other.append([1, "中牟司机之家", "郑州市中牟县郑开大道1号", "114.0212,34.7185", "淋浴、洗衣、货车停车位40个"])
    book.save(path)
    return path


GBK_HEADER = ["序号", "驿站名称", "县(市、区)", "地址", "经纬度", "开放时间", "服务功能"]
GBK_ROWS = [
    ["1", "鼓楼区爱心驿站", "鼓楼区", "中山路100号", "118.7784，32.0665", "周一至周日 8:00-18:00", "饮水、充电"],
    ["2", "玄武区工会驿站", "玄武区", "南京市玄武区北京东路41号", "", "工作日9:00-17:00", "休息、阅读"],
    ["合计：2个"],
]


def write_gbk_csv(path: Path) -> Path:
    """A GBK ledger of Nanjing: a title line first, combined 经纬度 cells."""
    lines = ["南京市驿站名单,,,,,,"] + [",".join(GBK_HEADER)] + [",".join(r) for r in GBK_ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path
