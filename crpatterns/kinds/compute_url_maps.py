"""URL maps, global and regional: updated in place with the current fingerprint."""

from __future__ import annotations

from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey


class UrlMaps(ComputeKind):
    key = KindKey.URL_MAPS
    client_class = "UrlMapsClient"
    message = "UrlMap"
    name_arg = "url_map"
    segment = "urlMaps"
    regional = False


class RegionUrlMaps(UrlMaps):
    key = KindKey.REGION_URL_MAPS
    client_class = "RegionUrlMapsClient"
    regional = True
