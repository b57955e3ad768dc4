"""Which IP addresses a webhook may be sent to: public unicast destinations only.

Webhooks leave from inside our network, so an address that reaches a private,
loopback, link-local or otherwise non-public host would let an app probe it (SSRF).

IPv4: refused are the special-purpose ranges (IANA's registry), multicast and the
reserved 240/4. IPv6: only global unicast (2000::/3) minus its special-purpose
blocks; everything outside 2000::/3 (::/8 with loopback, IPv4-compatible and
IPv4-translated forms, 100::/64 discard, unique-local fc00::/7, link-local, site-local,
multicast, the unassigned rest) is refused.

An IPv6 address that embeds an IPv4 one is judged by the IPv4 address(es) the packets
end up at, because that is the host a connection reaches:

    ::ffff:a.b.c.d                IPv4-mapped: the socket connects to a.b.c.d
    64:ff9b::a.b.c.d              NAT64 well-known prefix (RFC 6052): the translator
                                  connects to a.b.c.d (DNS64 networks hand these out
                                  for every IPv4-only host, so a public one is allowed)
    2002:AABB:CCDD::/48           6to4: the relay sends to the IPv4 in bits 16-48
    2001:0:SSSS:SSSS:…:CCCC:CCCC  Teredo: server IPv4 in bits 32-64, client IPv4 in the
                                  last 32 bits XOR 0xffffffff; both must be public

Forms whose IPv4 cannot be judged are refused whatever they embed: IPv4-compatible
::a.b.c.d (deprecated, RFC 4291), the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215:
the operator chooses where the IPv4 sits), IPv4-translated ::ffff:0:a.b.c.d (SIIT).

The tables are spelled out here rather than taken from `ipaddress.is_global` alone,
whose answers changed between Python releases; Python's flags are checked as well, so
an address either refuses is refused.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

_NON_PUBLIC_IPV4 = tuple(
    IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata services)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast 255.255.255.255
    )
)

_GLOBAL_UNICAST = IPv6Network("2000::/3")
_NON_PUBLIC_IPV6 = tuple(
    IPv6Network(network)
    for network in (
        "2001::/23",  # IETF protocol assignments (Teredo, 2001::/32, is decoded first)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
    )
)

_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")


def is_public_destination(address: IPAddress) -> bool:
    """Whether a webhook may connect to `address`: a public unicast host, directly or
    through the IPv4 address(es) an IPv6 form embeds."""
    if isinstance(address, IPv4Address):
        return _is_public_ipv4(address)
    embedded = embedded_ipv4(address)
    if embedded:
        return all(_is_public_ipv4(ipv4) for ipv4 in embedded)
    return _is_public_ipv6(address)


def embedded_ipv4(address: IPv6Address) -> tuple[IPv4Address, ...]:
    """The IPv4 addresses a connection to `address` reaches, for the IPv6 forms that
    route to an embedded IPv4 (mapped, NAT64 well-known, 6to4, Teredo); () otherwise."""
    if address.ipv4_mapped is not None:
        return (address.ipv4_mapped,)
    if address in _NAT64_WELL_KNOWN:
        return (IPv4Address(int(address) & 0xFFFFFFFF),)
    if address.sixtofour is not None:
        return (address.sixtofour,)
    if address.teredo is not None:
        return address.teredo  # (server, client)
    return ()


def _is_public_ipv4(address: IPv4Address) -> bool:
    if any(address in network for network in _NON_PUBLIC_IPV4):
        return False
    return _python_agrees(address)


def _is_public_ipv6(address: IPv6Address) -> bool:
    if address not in _GLOBAL_UNICAST:
        return False
    if any(address in network for network in _NON_PUBLIC_IPV6):
        return False
    return _python_agrees(address)


def _python_agrees(address: IPAddress) -> bool:
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
