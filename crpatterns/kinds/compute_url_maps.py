"""URL maps, global and regional: updated in place with the current fingerprint.

An update is a PUT of the whole map (urlMaps.update), not a PATCH: a URL map holds exactly one of
defaultService, defaultUrlRedirect and defaultRouteAction (discovery compute.v1 UrlMap.defaultService),
and a PATCH cannot remove a redirect someone set, so a map turned into a redirect behind the tool's back
could never be repaired. Fields the pattern leaves out (host rules, path matchers, tests) are kept from
what was read.
"""

from __future__ import annotations

from typing import Any

from crpatterns.engine.model import Actual, Change
from crpatterns.kinds.compute import ComputeKind
from crpatterns.kinds.keys import KindKey

READ_ONLY = ("id", "creationTimestamp", "selfLink", "kind", "region")  # the fingerprint is sent back as read


class UrlMaps(ComputeKind):
    key = KindKey.URL_MAPS
    client_class = "UrlMapsClient"
    message = "UrlMap"
    name_arg = "url_map"
    segment = "urlMaps"
    regional = False

    def update(self, actual: Actual, body: dict[str, Any], changes: tuple[Change, ...]) -> None:
        whole = {k: v for k, v in actual.body.items() if k not in READ_ONLY}
        for field, value in body.items():
            if value is None:
                whole.pop(field, None)
            else:
                whole[field] = value
        self.operate(actual.name, actual.scope, "update", "update",
                     **{self.name_arg: actual.name, f"{self.name_arg}_resource": self.build(whole)})


class RegionUrlMaps(UrlMaps):
    key = KindKey.REGION_URL_MAPS
    client_class = "RegionUrlMapsClient"
    regional = True
