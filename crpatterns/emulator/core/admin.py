"""Admin endpoints under /_emulator/: what tests and users need to inspect and steer the emulator.

GET  /_emulator/health                 liveness and the seeded projects
GET  /_emulator/inventory              every resource, policy, project and service agent held
POST /_emulator/reset                  back to the seed (faults and request log cleared)
GET  /_emulator/requests[?since=N]     the API calls received, in order: method, path, status, reason (of
                                       an error), methodId, mutating; DELETE clears the log
POST /_emulator/faults                 {method, path (regex), kind: http|operation|latency|every|
                                       policy-race, status, count, latency, every, message, reason,
                                       grpcStatus, binding}; GET lists, DELETE clears
POST /_emulator/dns-ready              {"domain": FQDN}: DNS for the domain points at its load balancer,
                                       so managed certificates covering it can turn ACTIVE
POST /_emulator/projects               {"projectId", "number", "services": [...] (default all),
                                       "domainRestrictedSharing": bool}: add a project
POST /_emulator/latency                {"op": seconds, "read": seconds}: the flat model; or {"profile": "google"}
                                       (seconds per kind of operation, core/latency.py); "scale" multiplies
                                       either. GET shows the model in force
POST /_emulator/quotas                 {"run-writes-per-minute": N, ...} (core/quotas.py; {} for none): the
                                       limits in force, usage cleared. GET: the limits, the most calls any
                                       window saw (peak) and how many were refused
POST /_emulator/service-accounts       {"email": "NAME@PROJECT.iam.gserviceaccount.com"}: the account exists
                                       (the emulator has no IAM API; docs/google-behaviour.md, "IAM policies")
POST /_emulator/custom-roles           {"name": "projects/P/roles/X" | "organizations/O/roles/X"}: the
                                       custom role exists
POST /_emulator/caller                 {"member": "user:EMAIL" | "serviceAccount:EMAIL"}: who makes every call
                                       ({} for nobody: every permission held; reset restores --caller). GET
                                       shows it (core/caller.py)
POST /_emulator/tokens                 {"member": ...}: an access token; calls bearing it are that member's
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from crpatterns.emulator.core.iam import USER_MANAGED_ACCOUNT
from crpatterns.emulator.core.latency import FLAT, LatencyModel
from crpatterns.emulator.core.quotas import KNOWN
from crpatterns.emulator.core.roles import CUSTOM_ROLE
from crpatterns.emulator.core.world import SERVICE_TITLES, Project

if TYPE_CHECKING:
    from crpatterns.emulator.core.app import Emulator


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, indent=1), status=status, content_type="application/json")


def _declare(world: Any, into: set[str], value: str, shape: re.Pattern[str], field: str) -> Response:
    """Adds a service account or custom role (they stay until the next reset, like added projects)."""
    if not shape.match(value):
        return _json({"error": {"code": 400, "message": f"'{field}' must match {shape.pattern}"}}, 400)
    with world.lock:
        into.add(value)
    return _json({field: value})


def handle_admin(emulator: Emulator, request: Request) -> Response:
    path = request.path.removeprefix("/_emulator/").strip("/")
    body = request.get_json(silent=True, force=True) or {}
    world = emulator.world
    key = (request.method, path)
    if key == ("GET", "health"):
        return _json({"ok": True, "projects": sorted(world.projects)})
    if key == ("GET", "inventory"):
        with world.lock:
            inventory: dict[str, Any] = {m.api.name: m.inventory() for m in emulator.modules}
            inventory["projects"] = [
                {
                    "projectId": p.project_id,
                    "number": p.number,
                    "enabledServices": sorted(p.enabled_services),
                    "domainRestrictedSharing": p.domain_restricted_sharing,
                }
                for p in world.projects.values()
            ]
            inventory["serviceAgents"] = sorted(world.service_agents)
            inventory["serviceAccounts"] = sorted(world.service_accounts)
            inventory["customRoles"] = sorted(world.custom_roles)
            inventory["iam"] = {key: policy for key, policy in sorted(world.iam.policies.items())
                                if policy.get("bindings")}
        return _json(inventory)
    if key == ("POST", "reset"):
        emulator.callers.reset()
        emulator.faults.clear()
        emulator.log.entries.clear()
        emulator.build(world.latency)
        return _json({"ok": True})
    if path == "requests":
        if request.method == "DELETE":
            emulator.log.entries.clear()
            return _json({"ok": True})
        since = int(request.args.get("since", 0))
        return _json({"requests": [e for e in list(emulator.log.entries) if e["seq"] > since]})
    if path == "faults":
        if request.method == "POST":
            return _json(emulator.faults.add(body).describe())
        if request.method == "DELETE":
            emulator.faults.clear()
            return _json({"ok": True})
        return _json({"faults": [f.describe() for f in emulator.faults.rules]})
    if key == ("POST", "dns-ready"):
        domain = body.get("domain", "")
        with world.lock:
            for module in emulator.modules:
                hook = getattr(module, "mark_dns_ready", None)
                if hook:
                    hook(domain)
        return _json({"ok": True, "domain": domain})
    if key == ("POST", "projects"):
        project = Project(
            project_id=body["projectId"],
            number=str(body["number"]),
            enabled_services=set(body.get("services", SERVICE_TITLES)),
            domain_restricted_sharing=bool(body.get("domainRestrictedSharing", False)),
        )
        emulator.add_project(world, emulator.modules, project)
        return _json({"projectId": project.project_id, "number": project.number})
    if key == ("POST", "service-accounts"):
        return _declare(world, world.service_accounts, body.get("email", ""), USER_MANAGED_ACCOUNT, "email")
    if key == ("POST", "custom-roles"):
        return _declare(world, world.custom_roles, body.get("name", ""), CUSTOM_ROLE, "name")
    if path in ("caller", "tokens"):
        return _callers(emulator, request.method, path, body)
    if path == "latency":
        if request.method == "POST":
            try:
                world.latency = changed_latency(world.latency, body)
            except (TypeError, ValueError) as error:
                return _json({"error": {"code": 400, "message": str(error)}}, 400)
        return _json(world.latency.describe())
    if path == "quotas":
        if request.method == "POST":
            unknown = sorted(set(body) - set(KNOWN))
            if unknown or not all(isinstance(v, int) and v > 0 for v in body.values()):
                return _json({"error": {"code": 400, "message": f"quotas take positive integer limits named "
                                        f"{', '.join(KNOWN)}; got {body}"}}, 400)
            with world.lock:
                emulator.quotas.configure(dict(body))
        with world.lock:
            return _json(emulator.quotas.describe())
    return _json({"error": {"code": 404, "message": f"No admin endpoint {request.method} /_emulator/{path}"}}, 404)


def _callers(emulator: Emulator, method: str, path: str, body: dict[str, Any]) -> Response:
    """Who calls (core/caller.py): the configured caller, or a token standing for a member."""
    member = body.get("member")
    try:
        if path == "tokens" and method == "POST":
            token = emulator.callers.issue(str(member))
            return _json({"access_token": token, "token_type": "Bearer", "expires_in": 3600, "member": member})
        if path == "caller" and method == "POST":
            emulator.callers.configure(member if member else None)
    except ValueError as error:
        return _json({"error": {"code": 400, "message": str(error)}}, 400)
    if path == "caller":
        return _json({"member": emulator.callers.configured})
    return _json({"error": {"code": 405, "message": "POST /_emulator/tokens {\"member\": ...}"}}, 405)


def changed_latency(current: LatencyModel, body: dict[str, Any]) -> LatencyModel:
    """The model a POST asks for: `op`/`read` mean the flat model (what the tests set before each test),
    `profile` a named one, each at `scale` (default 1); `scale` alone rescales the model in force."""
    scale = float(body.get("scale", 1.0 if "profile" in body or "op" in body or "read" in body else current.scale))
    if scale <= 0:
        raise ValueError("scale must be positive")
    if "profile" in body:
        return LatencyModel.named(str(body["profile"]), scale)
    if "op" in body or "read" in body:
        flat = current if current.profile == FLAT else LatencyModel.flat()
        return LatencyModel.flat(float(body.get("op", flat.op)), float(body.get("read", flat.read)), scale)
    current.scale = scale
    return current
