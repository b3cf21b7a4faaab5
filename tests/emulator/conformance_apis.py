"""The conformance workload beyond Compute: Cloud Run, IAP, Service Usage and Resource Manager through
their client libraries (v1beta1 and Resource Manager v1, which have none, as raw HTTP), Google's errors,
and `reread`, a raw string-enum read of everything the emulator holds."""

from __future__ import annotations

from typing import Any

from google.api_core import exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import iap_v1, run_v2, service_usage_v1
from google.iam.v1 import iam_policy_pb2, options_pb2, policy_pb2
from google.longrunning import operations_pb2
from google.protobuf import duration_pb2, field_mask_pb2

from tests.emulator.clients import iap_admin, options, run_services, service_usage
from tests.emulator.conformance_workload import NUMBER, PROJECT, REGION, raw
from tests.emulator.serverless import PARENT, create, raw_body, service
from tests.support import EmulatorProcess

# -- Cloud Run --------------------------------------------------------------------------------------


def cloud_run(via: EmulatorProcess) -> None:
    """Service create, patch (updateMask, allowMissing), IAM, revisions and operations."""
    client = run_services(via)
    created = create(via)
    client.get_service(name=created.name)
    list(client.list_services(parent=PARENT))
    change = run_v2.Service(name=created.name, ingress=run_v2.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER)
    client.update_service(service=change, update_mask=field_mask_pb2.FieldMask(paths=["ingress"])).result(timeout=60)
    client.update_service(request=run_v2.UpdateServiceRequest(
        service=service(name=f"{PARENT}/services/by-patch"), allow_missing=True)).result(timeout=60)

    policy = client.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(
        resource=created.name, options=options_pb2.GetPolicyOptions(requested_policy_version=3)))
    policy.bindings.append(policy_pb2.Binding(role="roles/run.invoker", members=["allUsers"]))
    client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=created.name, policy=policy))
    client.test_iam_permissions(request=iam_policy_pb2.TestIamPermissionsRequest(
        resource=created.name, permissions=["run.services.get"]))

    revisions = run_v2.RevisionsClient(transport="rest", client_options=options(via),
                                       credentials=AnonymousCredentials())
    for revision in revisions.list_revisions(parent=created.name):
        revisions.get_revision(name=revision.name)

    operations = list(client.list_operations(request=operations_pb2.ListOperationsRequest(name=PARENT)).operations)
    client.get_operation(request=operations_pb2.GetOperationRequest(name=operations[0].name))
    client.wait_operation(request=operations_pb2.WaitOperationRequest(
        name=operations[0].name, timeout=duration_pb2.Duration(seconds=5)))
    client.delete_operation(request=operations_pb2.DeleteOperationRequest(name=operations[0].name))


def shared_vpc_run(via: EmulatorProcess) -> None:
    """A Cloud Run service in demo-service egressing through demo-host's shared subnet."""
    body = service(template=run_v2.RevisionTemplate(
        containers=[run_v2.Container(image="us-docker.pkg.dev/cloudrun/container/hello")],
        vpc_access=run_v2.VpcAccess(
            network_interfaces=[run_v2.VpcAccess.NetworkInterface(
                subnetwork=f"projects/demo-host/regions/{REGION}/subnetworks/run-egress")],
            egress=run_v2.VpcAccess.VpcEgress.ALL_TRAFFIC)))
    create(via, "egress", body, parent=f"projects/demo-service/locations/{REGION}")


def teardown_cloud_run(via: EmulatorProcess) -> None:
    client = run_services(via)
    for name in (f"{PARENT}/services/hello", f"{PARENT}/services/by-patch",
                 f"projects/demo-service/locations/{REGION}/services/egress"):
        client.delete_service(name=name).result(timeout=60)


# -- IAP -----------------------------------------------------------------------------------------------


def iap(via: EmulatorProcess, resource: str) -> None:
    """Policy read-modify-write, permission test and settings on one IAP resource."""
    client = iap_admin(via)
    policy = client.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(
        resource=resource, options=options_pb2.GetPolicyOptions(requested_policy_version=3)))
    policy.bindings.append(policy_pb2.Binding(role="roles/iap.httpsResourceAccessor",
                                              members=["group:staff@example.com"]))
    client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=resource, policy=policy))
    client.test_iam_permissions(request=iam_policy_pb2.TestIamPermissionsRequest(
        resource=resource, permissions=["iap.webServiceVersions.accessViaIAP"]))
    client.get_iap_settings(request=iap_v1.GetIapSettingsRequest(name=resource))
    client.update_iap_settings(request=iap_v1.UpdateIapSettingsRequest(
        iap_settings=iap_v1.IapSettings(name=resource, access_settings=iap_v1.AccessSettings(
            cors_settings=iap_v1.CorsSettings(allow_http_options=True))),
        update_mask=field_mask_pb2.FieldMask(paths=["access_settings.cors_settings"])))
    raw(via, "POST", f"v1/{resource}:getIamPolicy", {})  # as gcloud reads them: string enums
    raw(via, "GET", f"v1/{resource}:iapSettings")


def iap_resource(kind: str, name: str) -> str:
    return f"projects/{NUMBER}/iap_web/{kind}/services/{name}"


# -- Service Usage and Resource Manager -------------------------------------------------------------


def service_usage_calls(via: EmulatorProcess) -> None:
    """v1 through the client on a project with only Compute on; v1beta1 as gcloud calls it."""
    via.add_project("conformance", "100000000099", services=["compute.googleapis.com"])
    client = service_usage(via)
    parent = "projects/conformance"
    client.get_service(request={"name": f"{parent}/services/compute.googleapis.com"})
    list(client.list_services(request=service_usage_v1.ListServicesRequest(parent=parent, filter="state:ENABLED")))
    client.batch_get_services(request=service_usage_v1.BatchGetServicesRequest(
        parent=parent, names=[f"{parent}/services/compute.googleapis.com"]))
    client.enable_service(request={"name": f"{parent}/services/run.googleapis.com"}).result(timeout=60)
    client.batch_enable_services(request=service_usage_v1.BatchEnableServicesRequest(
        parent=parent, service_ids=["iap.googleapis.com", "serviceusage.googleapis.com"])).result(timeout=60)
    client.disable_service(request={"name": f"{parent}/services/iap.googleapis.com"}).result(timeout=60)
    operations = client.list_operations(request=operations_pb2.ListOperationsRequest(name="operations"))
    client.get_operation(request=operations_pb2.GetOperationRequest(name=operations.operations[0].name))

    beta = "v1beta1/projects/conformance/services"
    raw(via, "GET", f"{beta}/compute.googleapis.com")
    raw(via, "GET", beta)
    raw(via, "POST", f"{beta}/iap.googleapis.com:enable", {})
    # v1beta1 BatchEnableServicesRequest.serviceIds: "Two or more services must be specified."
    raw(via, "POST", f"{beta}:batchEnable",
        {"serviceIds": ["cloudresourcemanager.googleapis.com", "certificatemanager.googleapis.com"]})
    raw(via, "POST", f"{beta}/cloudresourcemanager.googleapis.com:disable", {})
    identity = raw(via, "POST", f"v1beta1/projects/{PROJECT}/services/iap.googleapis.com:generateServiceIdentity", {})
    raw(via, "GET", f"v1beta1/{identity['name']}")
    raw(via, "GET", "v1beta1/operations")


def resource_manager(via: EmulatorProcess) -> None:
    """v1 as gcloud iap uses it (raw), v3 through google-cloud-resource-manager."""
    from google.cloud import resourcemanager_v3

    raw(via, "GET", f"v1/projects/{PROJECT}")
    policy = raw(via, "POST", f"v1/projects/{PROJECT}:getIamPolicy", {"options": {"requestedPolicyVersion": 3}})
    policy.setdefault("bindings", []).append({"role": "roles/viewer", "members": ["group:audit@example.com"]})
    raw(via, "POST", f"v1/projects/{PROJECT}:setIamPolicy", {"policy": policy})
    projects = resourcemanager_v3.ProjectsClient(transport="rest", client_options=options(via),
                                                 credentials=AnonymousCredentials())
    projects.get_project(name=f"projects/{PROJECT}")
    policy_v3 = projects.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(resource=f"projects/{PROJECT}"))
    policy_v3.bindings.append(policy_pb2.Binding(role="roles/browser", members=["user:a@example.com"]))
    projects.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=f"projects/{PROJECT}",
                                                                        policy=policy_v3))


# -- errors ----------------------------------------------------------------------------------------


def errors(via: EmulatorProcess) -> None:
    """A few of Google's refusals per API, raw so that nothing in a client hides the body."""
    compute_base = f"compute/v1/projects/{PROJECT}"
    refusals: list[tuple[str, str, Any]] = [
        ("GET", f"{compute_base}/global/backendServices/missing", None),  # 404 notFound
        ("POST", f"{compute_base}/global/networks", {"name": "Bad_Name"}),  # 400 invalid
        ("POST", f"{compute_base}/global/networks", {"name": "x", "bogus": 1}),  # 400 unknown field
        ("GET", "compute/v1/projects/nobody/global/networks", None),  # 403
        ("POST", f"{compute_base}/global/networks", {"name": "default"}),  # 409 alreadyExists
        ("GET", f"v2/{PARENT}/services/missing", None),
        ("POST", f"v2/{PARENT}/services?serviceId=Bad_Id", {"template": {"containers": [{"image": "x"}]}}),
        ("POST", f"v2/{PARENT}/services?serviceId=x", {"template": {"nope": 1}}),
        ("GET", "v2/projects/nobody/locations/us-central1/services", None),
        ("POST", f"v1/projects/{NUMBER}/iap_web/compute/services/missing:getIamPolicy", {}),
        ("POST", f"v1/projects/{NUMBER}/iap_web/appengine-x:getIamPolicy", {}),
        ("GET", f"v1/projects/{PROJECT}/services/nope.googleapis.com", None),
        ("POST", "v1/projects/nobody:getIamPolicy", {}),
        ("GET", "v3/projects/nobody", None),
        ("GET", "v9/no/such/route", None),
    ]
    for method, path, body in refusals:
        status, _answer = via.call(method, path, body)
        assert status >= 400, (method, path)
    with_stale_etag(via)
    failed_operations(via)


def failed_operations(via: EmulatorProcess) -> None:
    """Operations that end in error (fault injection), so that their error fields are validated too."""
    via.fault(method="POST", path=r"/global/networks$", kind="operation", count=1, status=403)
    operation = raw(via, "POST", f"compute/v1/projects/{PROJECT}/global/networks",
                    {"name": "doomed", "autoCreateSubnetworks": False})
    done = raw(via, "POST", f"compute/v1/projects/{PROJECT}/global/operations/{operation['name']}/wait")
    assert done["error"]["errors"], done
    via.fault(method="POST", path=r"/services$", kind="operation", count=1, status=400)
    operation = raw(via, "POST", f"v2/{PARENT}/services?serviceId=doomed", raw_body())
    done = raw(via, "POST", f"v2/{operation['name']}:wait", {})
    assert done.get("error"), done


def with_stale_etag(via: EmulatorProcess) -> None:
    """409 ABORTED through the IAP client, the body Google's AIP shape."""
    client = iap_admin(via)
    resource = f"projects/{NUMBER}/iap_web"
    stale = client.get_iam_policy(request=iam_policy_pb2.GetIamPolicyRequest(resource=resource))
    client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=resource, policy=stale))
    try:
        client.set_iam_policy(request=iam_policy_pb2.SetIamPolicyRequest(resource=resource, policy=stale))
    except exceptions.Conflict:
        return
    raise AssertionError("a stale etag was accepted")


# -- reread: everything, raw, with string enums -------------------------------------------------------


def reread(via: EmulatorProcess, list_routes: set[str]) -> None:
    """GET every resource in the inventory by its own link, every list of every scope holding something,
    the aggregated lists, operations, and the Cloud Run, Service Usage and Resource Manager reads.
    `list_routes`: the Compute segments with an aggregatedList route."""
    inventory = via.inventory()
    scopes: set[str] = set()
    for items in inventory["compute"]["resources"].values():
        for item in items:
            path = item["selfLink"].split("/compute/v1/", 1)[1]
            raw(via, "GET", f"compute/v1/{path}")
            scopes.add(path.rsplit("/", 1)[0])
    for scope in sorted(scopes):
        raw(via, "GET", f"compute/v1/{scope}")
        segment = scope.rsplit("/", 1)[1]
        if segment in list_routes:
            raw(via, "GET", f"compute/v1/{scope.split('/')[0]}/{scope.split('/')[1]}/aggregated/{segment}")
    for project in inventory["projects"]:
        project_id = project["projectId"]
        if "compute.googleapis.com" in project["enabledServices"]:
            for path in ("", "/getXpnHost", "/getXpnResources", "/global/operations",
                         f"/regions/{REGION}/operations", "/aggregated/subnetworks/listUsable"):
                raw(via, "GET", f"compute/v1/projects/{project_id}{path}")
        raw(via, "GET", f"v1/projects/{project_id}")
        raw(via, "GET", f"v3/projects/{project_id}")
        raw(via, "GET", f"v1/projects/{project_id}/services")
        raw(via, "GET", f"v1/projects/{project_id}/services:batchGet?names=projects/{project_id}/services/"
                        "compute.googleapis.com")
        if "run.googleapis.com" in project["enabledServices"]:
            raw(via, "GET", f"v2/projects/{project_id}/locations/{REGION}/services")
            raw(via, "GET", f"v2/projects/{project_id}/locations/{REGION}/operations")
    for record in inventory["run"]["services"]:
        raw(via, "GET", f"v2/{record['name']}")
        raw(via, "GET", f"v2/{record['name']}:getIamPolicy")
        for revision in raw(via, "GET", f"v2/{record['name']}/revisions").get("revisions", []):
            raw(via, "GET", f"v2/{revision['name']}")
    for operation in raw(via, "GET", "v1/operations").get("operations", []):
        raw(via, "GET", f"v1/{operation['name']}")
