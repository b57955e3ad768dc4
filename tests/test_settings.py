"""Settings.from_env and the default public base URL."""

from __future__ import annotations

import pytest

from gateway.settings import Settings, SettingsError, is_loopback_host, local_base_url

ANY_IPV4 = "0.0.0.0"  # noqa: S104  (a host name under test, nothing binds to it)


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("127.0.0.1", 9000, "http://127.0.0.1:9000"),
        (ANY_IPV4, 9000, "http://127.0.0.1:9000"),
        ("", 9000, "http://127.0.0.1:9000"),
        ("::", 9000, "http://[::1]:9000"),
        ("::1", 9000, "http://[::1]:9000"),
        ("localhost", 8080, "http://localhost:8080"),
        ("gateway.internal", 80, "http://gateway.internal:80"),
    ],
)
def test_local_base_url_follows_host_and_port(host: str, port: int, expected: str) -> None:
    assert local_base_url(host, port) == expected


def test_the_default_base_url_is_the_default_listen_address() -> None:
    assert Settings.from_env({}).public_base_url == local_base_url("127.0.0.1", 8000)
    assert Settings.from_env({"PUBLIC_BASE_URL": "https://pay.example/"}).public_base_url == (
        "https://pay.example"
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        (ANY_IPV4, False),
        ("10.0.0.5", False),
        ("gateway.internal", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_webhook_overlap_and_disable_windows_default_to_a_day_and_three_days() -> None:
    defaults = Settings.from_env({})
    assert defaults.webhook_secret_overlap_seconds == 86400.0
    assert defaults.webhook_disable_after_seconds == 3 * 86400.0
    given = Settings.from_env(
        {"WEBHOOK_SECRET_OVERLAP_SECONDS": "60", "WEBHOOK_DISABLE_AFTER_SECONDS": "3600"}
    )
    assert (given.webhook_secret_overlap_seconds, given.webhook_disable_after_seconds) == (
        60.0,
        3600.0,
    )
    with pytest.raises(SettingsError):
        Settings.from_env({"WEBHOOK_DISABLE_AFTER_SECONDS": "0"})


def test_the_credential_cache_lasts_ten_seconds_and_zero_turns_it_off() -> None:
    default = Settings.from_env({})
    assert (default.credential_cache_seconds, default.credential_cache_size) == (10.0, 10_000)
    assert Settings.from_env({"CREDENTIAL_CACHE_SECONDS": "0"}).credential_cache_seconds == 0
    assert Settings.from_env({"CREDENTIAL_CACHE_SECONDS": "0.0"}).credential_cache_seconds == 0
    assert Settings.from_env({"CREDENTIAL_CACHE_SECONDS": "2.5"}).credential_cache_seconds == 2.5
    assert Settings.from_env({"CREDENTIAL_CACHE_SIZE": "50"}).credential_cache_size == 50
    for name, value in (
        ("CREDENTIAL_CACHE_SECONDS", "-1"),
        ("CREDENTIAL_CACHE_SECONDS", "soon"),
        ("CREDENTIAL_CACHE_SIZE", "0"),
    ):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value})
