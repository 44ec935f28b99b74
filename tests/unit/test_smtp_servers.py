"""Where tenants' SMTP settings may point (`shared.domain.smtp_servers`), without a network:
IP literals, `localhost` from the hosts file, and the operator's allow list."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from api_gateway.http.problems import ProblemError
from api_gateway.smtp_settings.credentials import check_host
from pydantic import ValidationError

from shared.domain.smtp_servers import HostNotAllowedError, ServerRules
from shared.infra.settings import Settings

STRICT = ServerRules()


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "[::1]",
        "0.0.0.0",  # noqa: S104 (a host to refuse, not an address to bind)
        "::",
        "::ffff:127.0.0.1",  # IPv4 written inside IPv6
        "169.254.169.254",  # the cloud metadata service
        "fe80::1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.10",
        "100.64.0.1",  # carrier-grade NAT
        "fc00::1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "224.0.0.1",
        "localhost",  # a name is resolved first
    ],
)
async def test_private_hosts_are_refused(host: str) -> None:
    with pytest.raises(HostNotAllowedError, match="loopback, private or link-local"):
        await STRICT.checked_addresses(host, 587)


@pytest.mark.parametrize("host", ["1.1.1.1", "8.8.8.8", "2001:4860:4860::8888"])
async def test_public_addresses_are_allowed(host: str) -> None:
    assert await STRICT.checked_addresses(host, 587) == [str(ipaddress.ip_address(host))]


async def test_a_refused_name_shows_the_address_it_resolved_to() -> None:
    with pytest.raises(HostNotAllowedError) as refused:
        await STRICT.checked_addresses("localhost", 25)
    assert str(refused.value).startswith("localhost (127.0.0.1) is a loopback")


async def test_the_operator_allows_networks_and_names() -> None:
    rules = ServerRules.parse(" 127.0.0.0/8 , [::1], relay.internal ")
    assert await rules.checked_addresses("127.0.0.2", 25) == ["127.0.0.2"]
    assert await rules.checked_addresses("::1", 25) == ["::1"]
    assert await rules.checked_addresses("::ffff:127.0.0.1", 25) == ["127.0.0.1"]
    assert await rules.checked_addresses("localhost", 25) == ["127.0.0.1"]
    with pytest.raises(HostNotAllowedError):
        await rules.checked_addresses("169.254.169.254", 25)
    assert "relay.internal" in rules.allowed_names


@pytest.mark.parametrize("entry", ["http://x", "a b", "10.0.0.0/33", "-x-"])
def test_a_bad_allow_list_entry_is_refused_at_start_up(entry: str) -> None:
    with pytest.raises(ValueError, match="not a host name, IP address or CIDR network"):
        ServerRules.parse(entry)
    with pytest.raises(ValidationError, match="SMTP_ALLOWED_PRIVATE_HOSTS"):
        Settings(smtp_allowed_private_hosts=entry)


@pytest.mark.parametrize(
    ("host", "security", "username", "development", "refused"),
    [
        ("smtp.example.in", "none", "mailer", False, True),
        ("smtp.example.in", "none", "mailer", True, True),  # not loopback
        ("127.0.0.1", "none", "mailer", False, True),  # loopback, but not development
        ("127.0.0.1", "none", "mailer", True, False),
        ("localhost", "none", "mailer", True, False),
        ("smtp.example.in", "none", None, False, False),  # no login, nothing to overhear
        ("smtp.example.in", "starttls", "mailer", False, False),
        ("smtp.example.in", "ssl", "mailer", False, False),
    ],
)
def test_a_login_in_cleartext(
    host: str, security: str, username: str | None, development: bool, refused: bool
) -> None:
    rules = ServerRules(development=development)
    assert (rules.unencrypted_login_refusal(host, security, username) is not None) == refused


class _SlowResolver(ServerRules):
    async def checked_addresses(self, host: str, port: int) -> list[str]:
        await asyncio.Event().wait()  # a DNS server that never answers
        raise AssertionError("unreachable")


async def test_the_gateway_waits_for_dns_no_longer_than_the_smtp_timeout() -> None:
    # Saving is not held up by a slow resolver; the mail-service checks again before connecting.
    await check_host(_SlowResolver(), "slow.example.in", 587, within=0.01, field="host")


async def test_the_gateway_names_the_field_of_a_refused_host() -> None:
    with pytest.raises(ProblemError) as refused:
        await check_host(STRICT, "169.254.169.254", 587, within=5, field="settings.host")
    assert refused.value.extra == {"code": "smtp_host_not_allowed"}
    assert refused.value.errors is not None
    assert refused.value.errors[0]["field"] == "settings.host"
