"""Coverage answers as plain text for the terminal (``stations coverage`` without --json)."""

from __future__ import annotations

from stations.coverage.analysis import CoverageResult


def format_report(result: CoverageResult) -> str:
    """A table of the sub-regions, then the region's total, gaps and suggested sites."""
    demand = result.demand is not None
    head = ["代码", "名称", "站点", "无坐标", "面积km²", "覆盖km²", "覆盖率"]
    if demand:
        head.append("需求覆盖率")
    roads = "method" in result.table
    if roads:
        head += ["方法", "圆覆盖km²"]
    lines = ["\t".join(head)]
    rows = result.table.to_dict("records") + [result.totals()]
    circle = float(result.table["circle_covered_km2"].sum()) if roads else 0.0
    for row in rows:
        cells = [row["adcode"], row["name"], f"{row['stations']:,}", f"{row.get('unlocated', 0):,}",
                 f"{row['area_km2']:,.2f}",
                 f"{row['covered_km2']:,.2f}", f"{row['coverage_ratio']:.2%}"]
        if demand:
            cells.append(f"{row['demand_coverage_ratio']:.2%}")
        if roads:
            cells += [row.get("method", _overall(result)), f"{row.get('circle_covered_km2', circle):,.2f}"]
        lines.append("\t".join(str(c) for c in cells))
    for absence in result.absences:  # what is not there, said as plainly as on the map
        lines.append(absence.message)
    if result.gaps:
        lines.append("")
        lines.append("覆盖空白 / gaps (H3), 最重的在前 / heaviest first:")
        lines.append("\t".join(["排名", "H3", "经度,纬度", "区县代码", "区县", "权重", "最近站点",
                                "距离m", "依据"]))
        for i, gap in enumerate(result.gaps, start=1):
            near = (f"{gap.nearest_station_id}\t{gap.nearest_station_m:,.0f}"
                    if gap.nearest_station_m is not None else "-\t-")
            lines.append(f"{i}\t{gap.cell}\t{gap.lon:.5f},{gap.lat:.5f}\t"
                         f"{gap.county_adcode or '-'}\t{gap.county_name or '-'}\t"
                         f"{gap.uncovered_weight:,.1f}\t{near}\t{' / '.join(gap.reason)}")
    if result.suggestions:
        lines.append("")
        lines.append("建议选址 / suggested sites:")
        for s in result.suggestions:
            lines.append(f"{s.rank}\t{s.lon:.5f},{s.lat:.5f}\t+{s.gain_weight:,.1f}\t{s.name}")
    if result.reach is not None:
        r = result.reach
        how = f"{r['minutes']:g} 分钟 / minutes" if r["minutes"] is not None else f"{r['reach_m']:,.0f} m"
        lines.append(f"沿路网 / along roads: {r['network']} {how}, 道路两侧 / buffer {r['buffer_m']:g} m; "
                     f"圆 / circles {r['circle_radius_m']:,.0f} m; 方法 / method: {r['method']}")
    for note in result.notes:
        lines.append(note)
    return "\n".join(lines)


def _overall(result: CoverageResult) -> str:
    return str(result.reach["method"]) if result.reach else "circle"
