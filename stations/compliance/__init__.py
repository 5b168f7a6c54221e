"""Compliance: checklists as data, pre-filled criteria, inspections and standings.

- :mod:`~stations.compliance.checklists`: versioned checklists per kind and region;
- :mod:`~stations.compliance.prefill`: criteria the data can judge, explained;
- :mod:`~stations.compliance.submission`: what an inspector submits, and its checks;
- :mod:`~stations.compliance.inspections`: append-only inspections, one per draft;
- :mod:`~stations.compliance.records`: inspections as read back, and who may read them;
- :mod:`~stations.compliance.review`: what waits for an admin, and the decision;
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
    log_inspection,
    record_inspection,
    review_inspection,
)
from stations.compliance.prefill import neighbours_frame, prefill
from stations.compliance.review import review_queue
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
    "log_inspection",
    "load_checklists",
    "neighbours_frame",
    "prefill",
    "queue",
    "record_inspection",
    "review_inspection",
    "review_queue",
    "station_standing",
    "station_table",
    "standings",
]
