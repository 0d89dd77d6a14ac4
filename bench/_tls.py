"""A throw-away certificate authority and a server certificate for 127.0.0.1.

Both sides of every HTTPS benchmark trust the CA through ``SSL_CERT_FILE``, which httpx
reads instead of certifi's bundle, for tillpoint and raw httpx alike. The file it
points at is certifi's public bundle with the throw-away CA appended — what a
deployment that must also trust a private CA does — so that building an SSL context
costs what it costs in production (parsing ~150 roots), not the near-nothing of a
one-certificate file. ECDSA P-256, the key type most public API endpoints now serve.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Certificates", "make_certificates", "trusting"]


@dataclass(frozen=True)
class Certificates:
    ca_file: Path
    """The throw-away CA's certificate alone (PEM)."""
    trust_file: Path
    """certifi's bundle plus the throw-away CA (PEM): what ``SSL_CERT_FILE`` points at."""
    cert_file: Path
    """The server's certificate chain (PEM)."""
    key_file: Path
    """The server's private key (PEM, unencrypted: the directory is temporary)."""


def make_certificates(directory: Path) -> Certificates:
    """Write a fresh CA and a certificate for ``127.0.0.1``/``localhost`` into ``directory``."""
    now = datetime.datetime.now(datetime.timezone.utc)
    valid_from, valid_to = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tillpoint bench CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    found = Certificates(
        directory / "ca.pem",
        directory / "trust.pem",
        directory / "server.pem",
        directory / "server.key",
    )
    found.ca_file.write_bytes(ca.public_bytes(pem))
    found.trust_file.write_bytes(
        Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n" + ca.public_bytes(pem)
    )
    found.cert_file.write_bytes(cert.public_bytes(pem))
    found.key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return found


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@contextmanager
def trusting(trust_file: Path) -> Iterator[None]:
    """Point this process and its children at ``trust_file`` (``SSL_CERT_FILE``), then restore."""
    saved = {name: os.environ.get(name) for name in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    os.environ["SSL_CERT_FILE"] = str(trust_file)
    os.environ.pop("SSL_CERT_DIR", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
