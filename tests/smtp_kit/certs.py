"""Throw-away TLS material for the SMTP sinks: a private CA and a `localhost` server certificate.

Everything is generated at test time with `cryptography` (EC P-256 keys, so it takes
milliseconds). The CA is self-signed; the server certificate it signs names DNS `localhost` and
IP `127.0.0.1` and is valid from a few minutes ago until tomorrow. A client trusts it with
`ssl.create_default_context(cafile=cert.cafile)`. A CA plus a leaf (rather than a single
self-signed leaf) keeps strict X.509 verification (Python 3.13+ default) happy.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_DNS_NAMES: tuple[str, ...] = ("localhost",)
DEFAULT_IP_ADDRESSES: tuple[str, ...] = ("127.0.0.1",)


@dataclass(frozen=True, slots=True)
class TlsCertificate:
    """PEM files on disk: the CA to trust, and the server's certificate and key."""

    cafile: Path
    certfile: Path
    keyfile: Path

    def server_context(self) -> ssl.SSLContext:
        """A server-side context serving the `localhost` certificate (no client certs asked)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile=self.certfile, keyfile=self.keyfile)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only this CA (hostname checking on)."""
        return ssl.create_default_context(cafile=str(self.cafile))


def write_certificate(
    directory: Path,
    *,
    dns_names: tuple[str, ...] = DEFAULT_DNS_NAMES,
    ip_addresses: tuple[str, ...] = DEFAULT_IP_ADDRESSES,
) -> TlsCertificate:
    """Write `ca.pem`, `cert.pem` and `key.pem` into `directory` (created if missing)."""
    ca_pem, cert_pem, key_pem = _generate_pem(dns_names, ip_addresses)
    directory.mkdir(parents=True, exist_ok=True)
    cert = TlsCertificate(
        cafile=directory / "ca.pem",
        certfile=directory / "cert.pem",
        keyfile=directory / "key.pem",
    )
    cert.cafile.write_bytes(ca_pem)
    cert.certfile.write_bytes(cert_pem)
    cert.keyfile.write_bytes(key_pem)
    cert.keyfile.chmod(0o600)
    return cert


@functools.cache
def _generate_pem(
    dns_names: tuple[str, ...], ip_addresses: tuple[str, ...]
) -> tuple[bytes, bytes, bytes]:
    """(CA certificate, server certificate, server key) as PEM; cached for the process."""
    now = dt.datetime.now(dt.UTC)
    not_before = now - dt.timedelta(minutes=5)
    not_after = now + dt.timedelta(days=2)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ledgerpost test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    common_name = dns_names[0] if dns_names else ip_addresses[0]
    san: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
    san += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    return (
        ca_cert.public_bytes(serialization.Encoding.PEM),
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
