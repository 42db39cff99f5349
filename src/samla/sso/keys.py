"""The service provider's key pair: made once into the data directory when none is configured, as the
SECRET_KEY is, so a fresh installation can show its SAML metadata at once and keeps the same certificate
across restarts (a federation registers the certificate; a new one would break sign-in)."""

from __future__ import annotations

import datetime
import fcntl
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KEY_BITS = 3072  # what SWAMID's technology profile asks of new SP keys
CERT_YEARS = 10  # federations trust the metadata, not the validity dates; a long life spares rollovers


def write_key_pair(key_file: Path, cert_file: Path, common_name: str) -> None:
    """Write a new RSA key and a self-signed certificate for it, the key readable by its owner only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * CERT_YEARS))
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    cert_file.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_key_pair(key_file: Path, cert_file: Path, common_name: str) -> None:
    """Make the pair unless both files are there. Server processes start together, so the first one
    makes it under a lock and the others read what it wrote, never a key of one and a certificate of
    another."""
    if key_file.exists() and cert_file.exists():
        return
    key_file.parent.mkdir(parents=True, exist_ok=True)
    with open(key_file.parent / ".keys.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (key_file.exists() and cert_file.exists()):
            write_key_pair(key_file, cert_file, common_name)
