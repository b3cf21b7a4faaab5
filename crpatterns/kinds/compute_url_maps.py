"""URL maps, global and regional: updated in place with the current fingerprint."""

from __future__ import annotations

from crpatterns.kinds.compute import ComputeKind


class UrlMaps(ComputeKind):
    key = "compute.urlMaps"
    client_class = "UrlMapsClient"
    message = "UrlMap"
    name_arg = "url_map"
    segment = "urlMaps"
    regional = False


class RegionUrlMaps(UrlMaps):
    key = "compute.regionUrlMaps"
    client_class = "RegionUrlMapsClient"
    regional = True
