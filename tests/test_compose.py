"""compose.yaml: valid by the Compose specification, and true to the project in what the
schema cannot say: its commands exist, the gateway runs the image's own start command,
migrations run once before the gateways, and every variable it sets is a setting.

tests/compose-spec.json is schema/compose-spec.json of github.com/compose-spec/compose-spec
at commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6, unchanged.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
import yaml
from cryptography.fernet import Fernet

from gateway.cli import build_parser
from gateway.delivery.email import parse_smtp_url
from gateway.settings import Settings
from tests.e2e.gateway_process import REPO_ROOT, process_environment
from tests.e2e.image import CONSOLE_SCRIPT, image_start

COMPOSE = REPO_ROOT / "compose.yaml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
SCHEMA = REPO_ROOT / "tests" / "compose-spec.json"
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
# The services that run the project's image.
OWN = ("migrate", "gateway", "worker")


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(json.loads(SCHEMA.read_text()))


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's variable substitution; a required variable that is missing fails."""

    def substitute(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        found = env.get(name)
        if operator in (":?", "?"):
            assert found, f"{name} required: {argument}"
        if (operator == ":-" and not found) or (operator == "-" and found is None):
            return argument
        return found or ""

    return VARIABLE.sub(substitute, value)


def env_example() -> dict[str, str]:
    lines = ENV_EXAMPLE.read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def setting_names() -> set[str]:
    """The environment variables Settings.from_env reads."""

    class Reads(dict[str, str]):
        names: set[str] = set()

        def get(self, key: str, default: Any = None) -> Any:
            self.names.add(key)
            return super().get(key, default)

        def __contains__(self, key: object) -> bool:
            self.names.add(str(key))
            return super().__contains__(key)

    reads = Reads()
    Settings.from_env(reads)
    return reads.names


def argv(service: dict[str, Any]) -> list[str]:
    """What the container runs: its command, else the image's CMD."""
    image = ["invoice-gateway", *image_start().argv[len(CONSOLE_SCRIPT) :]]
    command: list[str] = service.get("command") or image
    return command


def test_the_file_follows_the_compose_specification() -> None:
    assert list(validator().iter_errors(compose())) == []


def test_the_validator_sees_a_broken_file() -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["gateway"]["ports"] = "8000:8000"
    broken["services"]["gateway"]["depends_on"]["migrate"]["condition"] = "service_done"
    broken["services"]["worker"]["restart_policy"] = "always"
    errors = sorted(list(error.instance_path) for error in validator().iter_errors(broken))
    assert errors == [
        ["services", "gateway", "depends_on"],
        ["services", "gateway", "ports"],
        ["services", "worker"],
    ]


def test_the_services() -> None:
    services = compose()["services"]
    assert sorted(services) == ["gateway", "mailpit", "migrate", "postgres", "redis", "worker"]
    assert services["gateway"]["deploy"]["replicas"] == 2
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    assert services["mailpit"]["ports"] == ["8025:8025"]  # its web UI
    for name in OWN:
        assert services[name]["build"] == {"context": ".", "dockerfile": "Dockerfile"}
        assert services[name]["image"] == "invoice-gateway:local"


def test_the_gateway_runs_the_image_start_command() -> None:
    gateway = compose()["services"]["gateway"]
    # tests/e2e/test_image_start.py runs this command as the image would.
    assert "command" not in gateway and "entrypoint" not in gateway
    assert argv(gateway) == [
        "invoice-gateway",
        "serve",
        "--host",
        "0.0.0.0",  # noqa: S104  (the container's port, published by compose)
        "--port",
        "8000",
        "--migrate",
    ]
    assert gateway["ports"] == [f"8000-8001:{image_start().port}"]


@pytest.mark.parametrize("name", OWN)
def test_each_command_exists(name: str) -> None:
    command = argv(compose()["services"][name])
    assert command[0] == "invoice-gateway"  # the image's console script
    build_parser().parse_args(command[1:])
    shown = subprocess.run(
        [sys.executable, "-m", "gateway.cli", command[1], "--help"],
        env=process_environment({}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"usage: invoice-gateway {command[1]} ")


def test_migrations_run_once_before_the_gateways_and_the_worker() -> None:
    services = compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["invoice-gateway", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "deploy" not in migrate  # one container
    for name in ("gateway", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_what_is_waited_for_has_a_healthcheck() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            if condition["condition"] == "service_healthy":
                assert services[dependency]["healthcheck"]["test"][0] == "CMD", dependency
        # The image's check asks the HTTP server: only the gateway runs one.
        if name in ("migrate", "worker"):
            assert service["healthcheck"] == {"disable": True}
    assert "/readyz" in services["gateway"]["healthcheck"]["test"][-1]


def test_every_variable_is_a_setting() -> None:
    names = setting_names()
    assert {"DATABASE_URL", "CORS_ALLOW_ORIGINS", "DB_POOL_SIZE"} <= names
    for name in OWN:
        environment = compose()["services"][name]["environment"]
        assert sorted(set(environment) - names) == [], name


def test_env_example_names_every_variable_compose_needs() -> None:
    used = {match.group(1) for match in VARIABLE.finditer(COMPOSE.read_text())}
    assert used - {"LOG_LEVEL"} == set(env_example())


def test_the_settings_reach_the_other_services() -> None:
    env = {
        **env_example(),
        "POSTGRES_PASSWORD": "s3cret",
        "WEBHOOK_SECRET_KEYS": Fernet.generate_key().decode(),
    }
    services = compose()["services"]
    environment = {
        name: interpolate(value, env) for name, value in services["gateway"]["environment"].items()
    }
    settings = Settings.from_env(environment)

    database = urlsplit(settings.database_url)
    assert database.scheme == "postgresql+asyncpg"
    assert (database.hostname, database.port, database.path) == ("postgres", 5432, "/gateway")
    postgres = {k: interpolate(v, env) for k, v in services["postgres"]["environment"].items()}
    assert (database.username, database.password) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
    )
    assert postgres["POSTGRES_DB"] == "gateway"
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.smtp_url is not None
    smtp = parse_smtp_url(settings.smtp_url)
    assert (smtp.hostname, smtp.port) == ("mailpit", 1025)  # mailpit's SMTP port
    assert settings.public_base_url == "https://invoices.example.com"
    assert settings.cors.allow_origins == ()


def test_a_missing_secret_stops_compose() -> None:
    environment = compose()["services"]["gateway"]["environment"]
    with pytest.raises(AssertionError, match="WEBHOOK_SECRET_KEYS required"):
        interpolate(environment["WEBHOOK_SECRET_KEYS"], {"WEBHOOK_SECRET_KEYS": ""})
