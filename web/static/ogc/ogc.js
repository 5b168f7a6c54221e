// Draws the features of an OGC HTML view on a Leaflet map (data from #ogc-features).
(function () {
  "use strict";
  function start() {
    var holder = document.getElementById("map");
    var data = document.getElementById("ogc-features");
    if (!holder || !data || !window.L) { return; }
    var collection = JSON.parse(data.textContent);
    var map = L.map(holder, { scrollWheelZoom: false });
    L.tileLayer(holder.dataset.tileUrl, {
      attribution: holder.dataset.tileAttribution, maxZoom: 18
    }).addTo(map);
    var layer = L.geoJSON(collection, {
      style: function () { return { color: "#0a5c36", weight: 1, fillOpacity: 0.15 }; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 6, color: "#0a5c36", weight: 2, fillOpacity: 0.7 });
      },
      onEachFeature: function (feature, shape) {
        var name = (feature.properties && feature.properties.name) || feature.id;
        shape.bindTooltip(String(name));
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { maxZoom: 15, padding: [12, 12] });
    } else {
      map.setView([35, 105], 4);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
