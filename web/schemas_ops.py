"""Response models of the operations routes (``/readyz``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Readiness(BaseModel):
    status: str = Field(description="ready | not ready")
    reasons: list[str] = Field(default_factory=list, description="为何未就绪 / why not ready")
    registry_revision: int | None = Field(default=None, description="the database's revision now")
    index_revision: int | None = Field(default=None, description="the revision the search index was built from")
    index_lag_seconds: float = Field(default=0.0, description="how long the index has been behind the registry")
    index_stations: int | None = None
