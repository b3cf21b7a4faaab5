"""Checks of a RevisionTemplate's containers, probes, volumes and related fields that the run.v2 discovery
document states in words (each check quotes its sentence). Every description in a violation is the
emulator's own wording: UNCONFIRMED, Google's exact text for these is not publicly quoted.

`kind` is the request message (CreateServiceRequest / UpdateServiceRequest), `root` the template's path.
"""

from __future__ import annotations

import re
from typing import Any

from crpatterns.emulator.run.errors import violation

# Container.name / SandboxTemplate.name: "specified as a DNS_LABEL (RFC 1123)": at most 63 characters.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
MAX_ENV_NAME = 32768  # EnvVar.name: "Must not exceed 32768 characters."
MAX_ENV_VALUE_BYTES = 32768  # EnvVar.value: "the maximum length is 32768 bytes."
# ResourceRequirements.limits: "Only `memory`, `cpu` and `nvidia.com/gpu` keys in the map are supported."
LIMIT_KEYS = ("memory", "cpu", "nvidia.com/gpu")
PORT_MAX = 65535  # "Must be in the range 1 to 65535."
# Probe: "Maximum value for liveness probe is 3600. Maximum value for startup probe is 240." Discovery names no
# maximum for readiness probes (Container.readinessProbe: "Readiness probe to be used for health checks."), so
# the emulator sets none (UNCONFIRMED).
PROBE_MAX: dict[str, int | None] = {"livenessProbe": 3600, "startupProbe": 240, "readinessProbe": None}
PROBE_TIMEOUT_MAX = 3600  # Probe.timeoutSeconds: "Maximum value is 3600."
PROBE_DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10}  # "Defaults to 1 second." / "Default to 10 seconds."
MODE_MAX = 0o777  # SecretVolumeSource.defaultMode, VersionToPath.mode: "between 0000 and 0777 (octal)"
CLOUD_SQL_MOUNT = "/cloudsql"
CLOUD_SQL_INSTANCE = re.compile(r"^[^:/]+:[a-z0-9-]+:[^:/]+$")  # "Format: `{project}:{location}:{instance}`"
SECRET_NAME = re.compile(r"^([A-Za-z0-9_-]+|projects/[^/]+/secrets/[A-Za-z0-9_-]+)$")
BINAUTHZ_POLICY = re.compile(r"^projects/[^/]+/platforms/cloudRun/[^/]+$")
# ServiceMesh.mesh: "Format: `projects/{project}/locations/global/meshes/{mesh}`".
MESH = re.compile(r"^projects/[^/]+/locations/global/meshes/[^/]+$")
# VpcAccess.connector: "Format: `projects/{project}/locations/{location}/connectors/{connector}`".
CONNECTOR = re.compile(r"^projects/[^/]+/locations/[^/]+/connectors/[^/]+$")
MAX_FILENAME = 255  # SourceFile.filename: "must be less than 255 characters"
GIB = 1024**3
MEMORY_UNITS = {"": 1, "k": 1000, "M": 1000**2, "G": 1000**3, "Ki": 1024, "Mi": 1024**2, "Gi": GIB}


def check_containers(template: dict[str, Any], kind: str, root: str) -> None:
    containers = template.get("containers") or []
    names = {c.get("name") for c in containers if c.get("name")}
    volumes = {v.get("name"): v for v in template.get("volumes") or [] if v.get("name")}
    for index, container in enumerate(containers):
        where = f"{root}.containers[{index}]"
        _check_name(container.get("name"), kind, f"{where}.name")
        _check_env(container.get("env") or [], kind, f"{where}.env")
        _check_ports(container.get("ports") or [], kind, f"{where}.ports")
        _check_limits(((container.get("resources") or {}).get("limits")) or {}, kind, f"{where}.resources.limits")
        for probe in PROBE_MAX:
            if container.get(probe):
                _check_probe(container[probe], probe, kind, f"{where}.{_snake(probe)}")
        _check_mounts(container.get("volumeMounts") or [], volumes, kind, f"{where}.volume_mounts")
        sources = (((container.get("sourceCode") or {}).get("inlinedSource")) or {}).get("sources") or []
        for number, source in enumerate(sources):
            _check_filename(source.get("filename") or "", kind,
                            f"{where}.source_code.inlined_source.sources[{number}].filename")
        for other in container.get("dependsOn") or []:
            # Container.dependsOn: "Names of the containers that must start before this container."
            if other not in names or other == container.get("name"):
                raise violation(kind, f"{where}.depends_on", f"'{other}' is not the name of another container.")


def check_volumes(template: dict[str, Any], kind: str, root: str) -> None:
    for index, volume in enumerate(template.get("volumes") or []):
        where = f"{root}.volumes[{index}]"
        secret = volume.get("secret")
        if secret:
            _check_secret_volume(secret, kind, f"{where}.secret")
        for number, instance in enumerate((volume.get("cloudSqlInstance") or {}).get("instances") or []):
            if not CLOUD_SQL_INSTANCE.match(instance):
                raise violation(kind, f"{where}.cloud_sql_instance.instances[{number}]",
                                "must have the format {project}:{location}:{instance}.")


def check_template_extras(template: dict[str, Any], kind: str, root: str) -> None:
    duration = template.get("encryptionKeyShutdownDuration")
    # RevisionTemplate.encryptionKeyShutdownDuration: "The minimum increment is 1 hour."
    if duration and _seconds(duration) % 3600:
        raise violation(kind, f"{root}.encryption_key_shutdown_duration", "must be a whole number of hours.")
    mesh = (template.get("serviceMesh") or {}).get("mesh")
    if mesh and not MESH.match(mesh):
        raise violation(kind, f"{root}.service_mesh.mesh", "must have the format projects/{project}/locations/"
                        "global/meshes/{mesh}.")
    connector = (template.get("vpcAccess") or {}).get("connector")
    if connector and not CONNECTOR.match(connector):
        raise violation(kind, f"{root}.vpc_access.connector", "must have the format projects/{project}/locations/"
                        "{location}/connectors/{connector}.")


def check_binary_authorization(binauthz: dict[str, Any] | None, kind: str, root: str) -> None:
    if not binauthz:
        return
    # BinaryAuthorization.breakglassJustification: "If use_default is False, then it must be empty."
    if binauthz.get("breakglassJustification") and not binauthz.get("useDefault"):
        raise violation(kind, f"{root}.breakglass_justification", "must be empty unless use_default is true.")
    policy = binauthz.get("policy")
    # BinaryAuthorization.policy: "Format: `projects/{project}/platforms/cloudRun/{policy-name}`".
    if policy and not BINAUTHZ_POLICY.match(policy):
        raise violation(kind, f"{root}.policy", "must have the format projects/{project}/platforms/cloudRun/"
                        "{policy-name}.")


# -- one container ----------------------------------------------------------------------------------------


def _check_name(name: str | None, kind: str, field: str) -> None:
    if name and not DNS_LABEL.match(name):
        raise violation(kind, field, "must be a DNS label (RFC 1123): at most 63 lowercase letters, digits and "
                        "hyphens, starting and ending with a letter or digit.")


def _check_filename(name: str, kind: str, field: str) -> None:
    # SourceFile.filename: "The filename must be less than 255 characters and cannot contain `..`, `./`, `//`,
    # or end with a `/`."
    if len(name) >= MAX_FILENAME or any(part in name for part in ("..", "./", "//")) or name.endswith("/"):
        raise violation(kind, field, "must be less than 255 characters and cannot contain '..', './', '//', or "
                        "end with a '/'.")


def _check_env(env: list[dict[str, Any]], kind: str, root: str) -> None:
    for index, variable in enumerate(env):
        if len(variable.get("name") or "") > MAX_ENV_NAME:
            raise violation(kind, f"{root}[{index}].name", f"must not exceed {MAX_ENV_NAME} characters.")
        if len((variable.get("value") or "").encode()) > MAX_ENV_VALUE_BYTES:
            raise violation(kind, f"{root}[{index}].value", f"must not exceed {MAX_ENV_VALUE_BYTES} bytes.")


def _check_ports(ports: list[dict[str, Any]], kind: str, root: str) -> None:
    # Container.ports: "Only a single port can be specified."
    if len(ports) > 1:
        raise violation(kind, root, "only a single port can be specified.")
    for index, port in enumerate(ports):
        number = port.get("containerPort")
        # ContainerPort.containerPort: "0 < container_port < 65536" (0 is proto3's unset).
        if number is not None and not 0 <= number <= PORT_MAX:
            raise violation(kind, f"{root}[{index}].container_port", "must be a valid TCP port number, "
                            "0 < container_port < 65536.")


def _check_limits(limits: dict[str, Any], kind: str, root: str) -> None:
    for key in limits:
        if key not in LIMIT_KEYS:
            raise violation(kind, f"{root}[{key}]", "only memory, cpu and nvidia.com/gpu limits are supported.")
    # "The only supported 'nvidia.com/gpu' value is '1'."
    if "nvidia.com/gpu" in limits and str(limits["nvidia.com/gpu"]) != "1":
        raise violation(kind, f"{root}[nvidia.com/gpu]", "the only supported value is '1'.")
    # "Setting 4 CPU requires at least 2Gi of memory."
    memory = _bytes(str(limits.get("memory", "512Mi")))
    if str(limits.get("cpu")) in ("4", "4000m") and memory is not None and memory < 2 * GIB:
        raise violation(kind, f"{root}[memory]", "4 CPU requires at least 2Gi of memory.")


def _check_probe(probe: dict[str, Any], which: str, kind: str, root: str) -> None:
    # Probe.httpGet/tcpSocket/grpc: "Exactly one of httpGet, tcpSocket, or grpc must be specified."
    actions = [a for a in ("httpGet", "tcpSocket", "grpc") if probe.get(a) is not None]
    if len(actions) != 1:
        raise violation(kind, root, "exactly one of http_get, tcp_socket, or grpc must be specified.")
    port = (probe[actions[0]] or {}).get("port")
    # HTTPGetAction/TCPSocketAction/GRPCAction.port: "Must be in the range 1 to 65535" (0: the container's).
    if port is not None and not 0 <= port <= PORT_MAX:
        raise violation(kind, f"{root}.{_snake(actions[0])}.port", "must be in the range 1 to 65535.")
    ceiling = PROBE_MAX[which]
    _in_range(probe, "initialDelaySeconds", 0, ceiling, kind, root)  # "Minimum value is 0."
    _in_range(probe, "periodSeconds", 0, ceiling, kind, root)  # "Minimum value is 1." (0: default 10)
    _in_range(probe, "timeoutSeconds", 0, PROBE_TIMEOUT_MAX, kind, root)  # "Minimum value is 1. Maximum ... 3600."
    _in_range(probe, "failureThreshold", 0, None, kind, root)  # "Minimum value is 1." (0: default 3)
    timeout = probe.get("timeoutSeconds") or PROBE_DEFAULTS["timeoutSeconds"]
    period = probe.get("periodSeconds") or PROBE_DEFAULTS["periodSeconds"]
    # periodSeconds: "Must be greater or equal than timeout_seconds." (timeoutSeconds says "smaller than": the
    # two disagree on equality, which the emulator accepts, UNCONFIRMED.)
    if timeout > period:
        raise violation(kind, f"{root}.timeout_seconds", "must not be greater than period_seconds.")


def _check_mounts(mounts: list[dict[str, Any]], volumes: dict[str, dict[str, Any]], kind: str, root: str) -> None:
    for index, mount in enumerate(mounts):
        where = f"{root}[{index}]"
        volume = volumes.get(mount.get("name"))
        # VolumeMount.name: "This must match the Name of a Volume."
        if volume is None:
            raise violation(kind, f"{where}.name", f"'{mount.get('name')}' does not match the name of a volume.")
        path = mount.get("mountPath") or ""
        # VolumeMount.mountPath: "Must not contain ':'. For Cloud SQL volumes, it can be left empty, or must
        # otherwise be `/cloudsql`."
        if "cloudSqlInstance" in volume:
            if path not in ("", CLOUD_SQL_MOUNT):
                raise violation(kind, f"{where}.mount_path", "must be empty or /cloudsql for a Cloud SQL volume.")
        elif not path:
            raise violation(kind, f"{where}.mount_path", "mount_path is required.")
        if ":" in path:
            raise violation(kind, f"{where}.mount_path", "must not contain ':'.")
        # VolumeMount.subPath: "This field is currently rejected in Secret volume mounts."
        if mount.get("subPath") and "secret" in volume:
            raise violation(kind, f"{where}.sub_path", "sub_path is not supported in Secret volume mounts.")


def _check_secret_volume(secret: dict[str, Any], kind: str, root: str) -> None:
    if secret.get("secret") and not SECRET_NAME.match(secret["secret"]):
        raise violation(kind, f"{root}.secret", "must be {secret} or projects/{project}/secrets/{secret}.")
    mode = secret.get("defaultMode")
    if mode is not None and not 0 <= mode <= MODE_MAX:
        raise violation(kind, f"{root}.default_mode", "must be a value between 0000 and 0777 (octal).")
    for index, item in enumerate(secret.get("items") or []):
        # SecretVolumeSource.items: "When items are defined, they must specify a path and a version."
        if not item.get("path") or not item.get("version"):
            raise violation(kind, f"{root}.items[{index}]", "items must specify a path and a version.")
        # VersionToPath.mode: "must be a value between 01 and 0777 (octal). If 0 or not set, the Volume's
        # default mode will be used."
        if item.get("mode") is not None and not 0 <= item["mode"] <= MODE_MAX:
            raise violation(kind, f"{root}.items[{index}].mode", "must be a value between 01 and 0777 (octal).")


# -- helpers ----------------------------------------------------------------------------------------------


def _in_range(probe: dict[str, Any], field: str, low: int, high: int | None, kind: str, root: str) -> None:
    value = probe.get(field)
    if value is not None and (value < low or (high is not None and value > high)):
        bound = f"between {max(low, 1) if field != 'initialDelaySeconds' else low} and {high}" if high else \
            f"at least {max(low, 1)}"
        raise violation(kind, f"{root}.{_snake(field)}", f"must be {bound}.")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _seconds(duration: str) -> float:
    try:
        return float(str(duration).removesuffix("s"))
    except ValueError:
        return 0.0


def _bytes(quantity: str) -> int | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G|)", quantity)
    return int(float(match[1]) * MEMORY_UNITS[match[2]]) if match else None
