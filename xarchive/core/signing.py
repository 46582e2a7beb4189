"""Signed bundles: the researcher's Ed25519 key, and the signature a bag carries.

The key is made on the first export and kept in the user's data folder
(``signing-key.pem``, readable by the user alone). A bag carries
``signature-ed25519.txt``, a detached signature over its tag manifest: that file
holds the checksum of every other tag file, among them the payload manifest,
which holds the checksum of every payload file. So a bag changed after it was
signed fails, even if whoever changed it made all its manifests again; and one
signed again with another key shows another fingerprint. The signature file
says who signed (the name they gave) and with which public key; the fingerprint
is what a recipient compares with the one the researcher gave them.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import data_dir

SIGNATURE_FILE = "signature-ed25519.txt"
SIGNED_FILE = "tagmanifest-sha256.txt"
KEY_FILE = "signing-key.pem"


def fingerprint(public_key: bytes) -> str:
    """``SHA256:ab12 cd34 …``: the SHA-256 of the raw public key, in groups to read aloud."""
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return "SHA256:" + " ".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True, slots=True)
class SigningKey:
    private: object  # cryptography's Ed25519PrivateKey
    public: bytes  # raw, 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)  # type: ignore[attr-defined, no-any-return]


def key_path() -> Path:
    return data_dir() / KEY_FILE


def load_key(create: bool = True) -> SigningKey | None:
    """The user's signing key, made (and saved, mode 0600) if there is none and `create`."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path()
    if path.exists():
        private = _read_key(path.read_bytes())
    elif create:
        from cryptography.hazmat.primitives import serialization

        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    else:
        return None
    return SigningKey(private, private.public_key().public_bytes_raw())


#: How PKCS #8 (RFC 8410) begins an Ed25519 private key, which its 32 bytes then end.
_ED25519_PKCS8 = bytes.fromhex("302e020100300506032b657004220420")


def _read_key(pem: bytes) -> Any:
    """The Ed25519 private key of a PEM file. The key this module writes is read from its
    32 bytes: cryptography's reader of every format (`serialization`, with SSH's) is half
    the time of an export of a few files. Raises ValueError for a key of another kind."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    lines = pem.decode("ascii", "replace").strip().splitlines()
    if lines[:1] == ["-----BEGIN PRIVATE KEY-----"] and lines[-1:] == ["-----END PRIVATE KEY-----"]:
        try:
            der = base64.b64decode("".join(lines[1:-1]), validate=True)
        except ValueError:
            der = b""
        if len(der) == len(_ED25519_PKCS8) + 32 and der.startswith(_ED25519_PKCS8):
            return Ed25519PrivateKey.from_private_bytes(der[len(_ED25519_PKCS8) :])
    from cryptography.hazmat.primitives import serialization

    loaded = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{key_path()} does not hold an Ed25519 key")
    return loaded


def signature_text(key: SigningKey, signed: bytes, signer: str) -> str:
    """The signature file's text for the bytes of the tag manifest."""
    signer = " ".join(signer.split())
    return (
        "Algorithm: Ed25519\n"
        f"Signed-File: {SIGNED_FILE}\n"
        f"Signer: {signer}\n"
        f"Public-Key: {base64.b64encode(key.public).decode()}\n"
        f"Fingerprint: {key.fingerprint}\n"
        f"Signature: {base64.b64encode(key.sign(signed)).decode()}\n"
    )


@dataclass(frozen=True, slots=True)
class Signature:
    """What a bag's signature says: `status` "valid", "invalid" or "unsigned"."""

    status: str
    signer: str = ""
    fingerprint: str = ""
    problem: str = ""

    def describe(self) -> str:
        if self.status == "unsigned":
            return "unsigned (made by another tool, or by an xarchive that did not sign)"
        who = f"{self.signer or 'someone'} (key {self.fingerprint})"
        if self.status == "valid":
            return f"signed by {who}; the signature holds"
        return f"signed by {who}, but the signature does NOT hold: {self.problem}"


def check_signature(text: str | None, signed: bytes | None) -> Signature:
    """Check a signature file's text against the bytes of the file it signs."""
    if text is None:
        return Signature("unsigned")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    fields = {}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        fields[label.strip()] = value.strip()
    signer = fields.get("Signer", "")
    try:
        public = base64.b64decode(fields.get("Public-Key", ""), validate=True)
        signature = base64.b64decode(fields.get("Signature", ""), validate=True)
        key = Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        return Signature("invalid", signer, "", f"{SIGNATURE_FILE} is malformed")
    mark = fingerprint(public)
    if fields.get("Algorithm") != "Ed25519" or fields.get("Signed-File") != SIGNED_FILE:
        return Signature("invalid", signer, mark, f"{SIGNATURE_FILE} signs something else")
    if fields.get("Fingerprint", mark) != mark:
        return Signature("invalid", signer, mark, "its fingerprint is not its key's")
    if signed is None:
        return Signature("invalid", signer, mark, f"{SIGNED_FILE}, which it signs, is missing")
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        return Signature(
            "invalid", signer, mark,
            f"{SIGNED_FILE} was changed after the bag was signed (its manifests were "
            "made again, or the bag was altered)",
        )  # fmt: skip
    return Signature("valid", signer, mark)
