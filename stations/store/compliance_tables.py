"""Tables of users and inspections (created by migration ``0002``; ``0004`` gives users
a region, a token version and a stable id, and adds hosts' stations and the login throttle;
``0005`` gives inspections their draft id and review reasons).

Inspections, their criterion results, evidence and reviews are append-only: the
migration installs triggers that refuse ``UPDATE`` and ``DELETE`` on them, so a
correction is always a new inspection pointing at the one it corrects.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from stations.core.clock import utcnow
from stations.store.tables import Base

ROLE_CODES = ("inspector", "planner", "admin", "host")
DECISIONS = ("approved", "rejected")
APPEND_ONLY_TABLES = (
    "inspections",
    "inspection_results",
    "inspection_evidence",
    "inspection_reviews",
)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    region: Mapped[str] = mapped_column(String(6), default="100000")
    """Adcode of where the account acts (``stations.accounts.scope``)."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Changes with every lifecycle step; a token of another version is void."""
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    """The stable id tokens name: never reused, unlike a name or a SQLite rowid."""
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set when a removed account is kept because records point at it (renamed)."""

    __table_args__ = (
        CheckConstraint(
            "role IN ('inspector', 'planner', 'admin', 'host')", name="ck_users_role"
        ),
    )


class UserStationRow(Base):
    """The stations a ``host`` account runs (依托单位)."""

    __tablename__ = "user_stations"

    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    station_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("stations.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (PrimaryKeyConstraint("user_id", "station_id"),)


class LoginAttemptRow(Base):
    """Failed sign-ins per account name or client address (the throttle's shared state)."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    """``account:<name>`` or ``address:<ip>``."""
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    """How many times the limit was reached: each lock-out lasts twice the last."""
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InspectionRow(Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(64), ForeignKey("stations.id"), index=True)
    checklist_id: Mapped[str] = mapped_column(String(64))
    checklist_version: Mapped[int] = mapped_column(Integer)
    inspector_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    inspected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    input_crs: Mapped[str | None] = mapped_column(String(8))
    distance_m: Mapped[float | None] = mapped_column(Float)
    on_site: Mapped[bool | None] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("inspections.id"), unique=True
    )
    # migration 0005: the draft's identity, and why the record waits for a review
    client_id: Mapped[str | None] = mapped_column(String(36), index=True, unique=True)
    """A UUID the inspector's device gave the draft: one inspection per draft."""
    review_reasons: Mapped[str | None] = mapped_column(String(64))
    """Why an admin must approve it before it counts (codes joined by ``,``); NULL: none."""


class InspectionResultRow(Base):
    __tablename__ = "inspection_results"

    inspection_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inspections.id"), primary_key=True
    )
    criterion: Mapped[str] = mapped_column(String(64), primary_key=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)


class EvidenceRow(Base):
    __tablename__ = "inspection_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inspection_id: Mapped[int] = mapped_column(Integer, ForeignKey("inspections.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    """Relative to the evidence directory."""
    media_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str | None] = mapped_column(String(255))
    exif: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """EXIF facts of the photo (``taken_at``, ``gps``, ``camera``): migration 0009."""


class ReviewRow(Base):
    __tablename__ = "inspection_reviews"

    inspection_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inspections.id"), primary_key=True
    )
    reviewer_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "decision IN ('approved', 'rejected')", name="ck_inspection_reviews_decision"
        ),
    )
