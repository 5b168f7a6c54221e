"""Tables of live status (created by migration ``0007``): notices and reports.

Notices are never deleted: withdrawing one sets ``withdrawn_at``. Reports keep no
address or device id, only keyed hashes of them (enough to count a client's reports and
to tell two clients apart), and the point they were made from, converted to WGS-84.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stations.core.clock import utcnow
from stations.store.tables import Base


class NoticeRow(Base):
    __tablename__ = "station_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    free_spaces: Mapped[int | None] = mapped_column(Integer)
    service: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    author_role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))


class ReportRow(Base):
    __tablename__ = "station_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("stations.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))
    service: Mapped[str | None] = mapped_column(String(32))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    device_key: Mapped[str] = mapped_column(String(32))
    address_key: Mapped[str] = mapped_column(String(32))
    expected_open: Mapped[bool | None] = mapped_column(Boolean)
    """Whether the station's hours said open when a ``closed`` report was made."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)

    __table_args__ = (
        Index("ix_station_reports_station_created", "station_id", "created_at"),
        Index("ix_station_reports_address_created", "address_key", "created_at"),
    )
