"""Load the OGC layers in QGIS, headless. Run by Debian's ``/usr/bin/python3`` (which has
PyQGIS), with ``QT_QPA_PLATFORM=offscreen``:

    /usr/bin/python3 tests/support/qgis_layers.py URL W S E N

Prints one JSON object: per layer, whether it loaded, its CRS, feature count, the ids read,
and the ids read for a bounding box request (CRS84); for regions also the first feature's
geometry type and property names.
"""

import json
import sys

from qgis.core import QgsApplication, QgsFeatureRequest, QgsRectangle, QgsVectorLayer, QgsWkbTypes


def layer_report(url, name, bbox):
    uri = f"url='{url}' typename='{name}' restrictToRequestBBOX='1'"
    report = {}
    # a fresh layer for the box request: the provider keeps what it has downloaded
    boxed = QgsVectorLayer(uri, name, "OAPIF")
    rect = QgsRectangle(*bbox)
    report["bbox_ids"] = sorted(str(f["id"]) for f in boxed.getFeatures(QgsFeatureRequest().setFilterRect(rect)))
    layer = QgsVectorLayer(uri, name, "OAPIF")
    report["valid"] = layer.isValid()
    report["crs"] = layer.crs().authid()
    report["feature_count"] = layer.featureCount()
    features = list(layer.getFeatures())
    report["ids"] = sorted(str(f["id"]) for f in features)
    report["fields"] = [field.name() for field in layer.fields()]
    if features:
        report["geometry_type"] = QgsWkbTypes.displayString(features[0].geometry().wkbType())
    return report


def main():
    url = sys.argv[1]
    bbox = [float(v) for v in sys.argv[2:6]]
    app = QgsApplication([], False)
    app.initQgis()
    try:
        out = {name: layer_report(url, name, bbox) for name in ("stations", "regions")}
    finally:
        app.exitQgis()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
