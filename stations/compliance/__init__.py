"""Compliance: checklists as data, pre-filled criteria, inspections and standings.

- :mod:`~stations.compliance.checklists`: versioned checklists per kind and region;
- :mod:`~stations.compliance.prefill`: criteria the data can judge, explained;
- :mod:`~stations.compliance.submission`: what an inspector submits, and its checks;
- :mod:`~stations.compliance.inspections`: append-only inspections and reviews;
- :mod:`~stations.compliance.evidence`: photo evidence files;
- :mod:`~stations.compliance.standing`: each station's standing and the work queues.
"""

from stations.compliance.checklists import Checklist, Checklists, Criterion, load_checklists
from stations.compliance.evidence import EvidenceStore, Photo, check_photo
from stations.compliance.inspections import (
    Inspection,
    Submission,
    get_inspection,
    list_inspections,
    record_inspection,
    review_inspection,
)
from stations.compliance.prefill import neighbours_frame, prefill
from stations.compliance.standing import (
    STANDINGS,
    Standing,
    add_standing,
    queue,
    standings,
    station_standing,
    station_table,
)

__all__ = [
    "STANDINGS",
    "Checklist",
    "Checklists",
    "Criterion",
    "EvidenceStore",
    "Inspection",
    "Photo",
    "Standing",
    "Submission",
    "add_standing",
    "check_photo",
    "get_inspection",
    "list_inspections",
    "load_checklists",
    "neighbours_frame",
    "prefill",
    "queue",
    "record_inspection",
    "review_inspection",
    "station_standing",
    "station_table",
    "standings",
]
