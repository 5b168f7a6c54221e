"""Tables of road networks (created by migration ``0008``).

A network is one profile's roads from one OSM extract: its nodes, the straight segments
between them (length in metres, travel time in seconds, one-way or not), the counties it
serves (coverage there is measured along its roads) and where it came from. Nodes and
segments are numbered from 0 within their network, as the in-memory graph numbers them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stations.core.clock import utcnow
from stations.store.tables import Base


class RoadNetworkRow(Base):
    __tablename__ = "road_networks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    profile: Mapped[str] = mapped_column(String(8), index=True)
    region: Mapped[str | None] = mapped_column(String(6))
    source: Mapped[str] = mapped_column(String(255))
    source_bytes: Mapped[int] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    node_count: Mapped[int] = mapped_column(Integer)
    segment_count: Mapped[int] = mapped_column(Integer)
    length_km: Mapped[float] = mapped_column(Float)
    west: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    hull: Mapped[str] = mapped_column(Text)
    """The extent: WKT of the convex hull of the nodes (WGS-84)."""


class RoadNetworkCountyRow(Base):
    __tablename__ = "road_network_counties"

    network_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("road_networks.id", ondelete="CASCADE"), primary_key=True)
    adcode: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)


class RoadNodeRow(Base):
    __tablename__ = "road_nodes"

    network_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("road_networks.id", ondelete="CASCADE"), primary_key=True)
    node: Mapped[int] = mapped_column(Integer, primary_key=True)
    osm_id: Mapped[int] = mapped_column(BigInteger)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class RoadSegmentRow(Base):
    __tablename__ = "road_segments"

    network_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("road_networks.id", ondelete="CASCADE"), primary_key=True)
    segment: Mapped[int] = mapped_column(Integer, primary_key=True)
    a: Mapped[int] = mapped_column(Integer)
    b: Mapped[int] = mapped_column(Integer)
    length_m: Mapped[float] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float)
    oneway: Mapped[bool] = mapped_column(Boolean)
