"""compose.yml and the Dockerfile, checked as files: no Docker engine runs here, so the stack
itself is not started by the tests (docs/scale.md says so). What can be checked without one is:
the YAML parses; every long-running service has a health check and every dependency waits for
health (or for a one-shot job's success); every secret is a required ``${VAR:?message}``;
images are pinned; the Elasticsearch image's major equals the Python client's in
pyproject.toml; MinIO gets a bucket with Object Lock and default COMPLIANCE retention; the
image installs the runtime Debian packages of scripts/setup.sh."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
SECRET_NAME = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|TOKEN")
REFERENCE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}")  # $${…} is the shell's
EARCHIVE_SERVICES = ("api", "worker", "scheduler")
BROWSER_PACKAGES = {"chromium", "chromium-driver"}  # UI tests only, not the server image


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = compose["services"]
    return services


def _one_shots(compose: dict[str, Any]) -> set[str]:
    return {n for n, s in _services(compose).items() if s.get("restart") == "no"}


def test_every_service_is_checked_for_health(compose: dict[str, Any]) -> None:
    services = _services(compose)
    expected = {"minio", "elasticsearch", "postgres", "redis", *EARCHIVE_SERVICES}
    assert expected <= set(services)
    one_shots = _one_shots(compose)
    for name, service in services.items():
        if name in one_shots:  # a job that runs and exits: dependents wait for its success
            assert "healthcheck" not in service, name
            continue
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name
    for name, service in services.items():
        for dep, how in (service.get("depends_on") or {}).items():
            assert dep in services, (name, dep)
            wanted = "service_completed_successfully" if dep in one_shots else "service_healthy"
            assert how == {"condition": wanted}, (name, dep, how)


def test_secrets_are_required_variables_never_values(compose: dict[str, Any]) -> None:
    text = (ROOT / "compose.yml").read_text(encoding="utf-8")
    secrets = set()
    for name, rest in REFERENCE.findall(text):
        if SECRET_NAME.search(name):
            secrets.add(name)
            assert rest.startswith(":?") and len(rest) > 2, f"${{{name}{rest}}} must be :?message"
    assert {
        "POSTGRES_PASSWORD",
        "MINIO_ROOT_PASSWORD",
        "EARCHIVE_S3_SECRET_KEY",
        "EARCHIVE_S3_ACCESS_KEY",
        "ELASTIC_PASSWORD",
        "REDIS_PASSWORD",
    } <= secrets
    for name, service in _services(compose).items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert isinstance(value, str) and "${" in value and ":?" in value, (name, key)
    for service in EARCHIVE_SERVICES:
        env = _services(compose)[service]["environment"]
        for key in ("EARCHIVE_DB_URL", "EARCHIVE_ES_URL", "EARCHIVE_BROKER_URL"):
            password = REFERENCE.search(env[key])
            assert password and SECRET_NAME.search(password.group(1)), (service, key)


def test_images_are_pinned_and_volumes_named(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    for name, service in _services(compose).items():
        image = service.get("image", "")
        assert image or "build" in service, name
        tag = image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else ""
        assert tag and tag != "latest" and re.search(r"\d", tag), f"{name}: pin {image!r}"
        for mount in service.get("volumes") or []:
            source = mount.split(":", 1)[0]
            assert source in declared, f"{name}: {source} is not a named volume"


def _major(image: str) -> int:
    return int(image.rsplit(":", 1)[1].split(".")[0])


def test_elasticsearch_image_major_equals_the_client_major(compose: dict[str, Any]) -> None:
    server = _major(_services(compose)["elasticsearch"]["image"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project.get("dependencies", [])]
    for extra in project.get("optional-dependencies", {}).values():
        declared.extend(extra)
    pins = [r for r in map(Requirement, declared) if r.name == "elasticsearch"]
    assert pins, (
        f"pyproject.toml must pin the elasticsearch client to the server's major "
        f"(e.g. 'elasticsearch>={server}.17,<{server + 1}')"
    )
    image_version = _services(compose)["elasticsearch"]["image"].rsplit(":", 1)[1]
    for pin in pins:
        assert pin.specifier.contains(image_version), pin  # the client fits the server it talks to
        assert not pin.specifier.contains(f"{server + 1}.0.0"), pin
        assert not pin.specifier.contains(f"{server - 1}.99.0"), pin


def test_minio_bucket_gets_object_lock_and_default_retention(compose: dict[str, Any]) -> None:
    services = _services(compose)
    init = services["minio-init"]
    script = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert re.search(r"mc mb [^\n]*--with-lock", script)
    assert re.search(r"mc retention set --default COMPLIANCE", script)
    assert "DeleteObject" not in script  # the archive's own user may never delete
    for service in EARCHIVE_SERVICES:
        assert (
            services[service]["depends_on"].get("minio-init", {}).get("condition")
            == "service_completed_successfully"
            or "api" in services[service]["depends_on"]
        )
        env = services[service]["environment"]
        assert env["EARCHIVE_STORAGE"] == "s3"


def test_earchive_services_run_the_cli(compose: dict[str, Any]) -> None:
    services = _services(compose)
    assert services["api"]["command"][:4] == ["earchive", "serve", "--host", "0.0.0.0"]
    assert services["worker"]["command"][:2] == ["earchive", "worker"]
    assert services["scheduler"]["command"] == ["earchive", "scheduler"]
    homes = {tuple(services[s]["volumes"]) for s in EARCHIVE_SERVICES}
    assert len(homes) == 1  # one shared home and inbox: a redelivered ingest finds its work dir


def test_dockerfile_installs_the_runtime_packages_of_setup() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    listed = re.search(r"APT_PACKAGES=\(([^)]*)\)", setup)
    assert listed
    wanted = set(listed.group(1).split()) - BROWSER_PACKAGES
    install = re.search(r"apt-get install[^\n]*\\\n((?:.*\\\n)*.*)", dockerfile)
    assert install
    packages = {w for w in re.split(r"[\s\\]+", install.group(1)) if re.match(r"^[a-z0-9]", w)}
    packages -= {"rm", "-rf"}
    assert wanted <= packages, wanted - packages
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^RUN pip install \.", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
