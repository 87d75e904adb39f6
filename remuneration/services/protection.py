"""Encryption at rest and keyed hashes for personal data (NIR, IBAN, uploaded documents).

One master key (from the settings) is stretched with HKDF into an AES-256-GCM key and an HMAC key.
Each ciphertext is bound to its context (e.g. `documents.nir`) as associated data, so a value
cannot be moved to another column unnoticed. The keyed hash allows exact lookup (same NIR, same
IBAN) without decrypting and without a plain hash that could be brute-forced: a NIR has few
possible values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["DecryptionError", "FieldProtector", "decode_master_key"]

_FORMAT_VERSION = b"\x01"
_NONCE_BYTES = 12
MINIMUM_KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext does not decrypt with this key and context (tampering or wrong key)."""


def decode_master_key(text: str) -> bytes:
    """Decode a URL-safe base64 master key and refuse keys shorter than 32 bytes."""
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
    except (ValueError, UnicodeEncodeError) as error:
        raise ValueError("la clé de chiffrement n'est pas en base64") from error
    if len(raw) < MINIMUM_KEY_BYTES:
        raise ValueError("la clé de chiffrement doit faire au moins 32 octets")
    return raw


def _derive(master_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master_key)


class FieldProtector:
    """Encrypts, decrypts and hashes sensitive values with keys derived from one master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) < MINIMUM_KEY_BYTES:
            raise ValueError("la clé de chiffrement doit faire au moins 32 octets")
        self._aes_key = _derive(master_key, b"remu/aes-gcm/v1")
        self._aead = AESGCM(self._aes_key)
        self._mac_key = _derive(master_key, b"remu/hmac/v1")

    def derived_keys(self) -> tuple[bytes, bytes]:
        """The two derived keys, for ``from_derived_keys`` in a worker process of this run
        (handed over through the worker's pipe, never written anywhere). A protector itself
        cannot be pickled (its cipher object refuses): its keys never travel by accident."""
        return self._aes_key, self._mac_key

    @classmethod
    def from_derived_keys(cls, keys: tuple[bytes, bytes]) -> FieldProtector:
        """The protector whose ``derived_keys`` are ``keys``: same ciphertexts, same hashes."""
        protector = cls.__new__(cls)
        protector._aes_key, protector._mac_key = keys
        protector._aead = AESGCM(protector._aes_key)
        return protector

    def encrypt_bytes(self, data: bytes, *, context: str) -> bytes:
        """Version byte + random nonce + AES-GCM ciphertext with its tag."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, data, context.encode("utf-8"))
        return _FORMAT_VERSION + nonce + sealed

    def decrypt_bytes(self, token: bytes, *, context: str) -> bytes:
        """The plaintext of `encrypt_bytes`, or DecryptionError."""
        if not token.startswith(_FORMAT_VERSION):
            raise DecryptionError("unknown ciphertext format")
        nonce = token[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, token[1 + _NONCE_BYTES :], context.encode("utf-8"))
        except InvalidTag as error:
            raise DecryptionError("ciphertext does not authenticate") from error

    def encrypt(self, text: str, *, context: str) -> bytes:
        """Encrypt a text value (UTF-8)."""
        return self.encrypt_bytes(text.encode("utf-8"), context=context)

    def decrypt(self, token: bytes, *, context: str) -> str:
        """Decrypt a text value."""
        return self.decrypt_bytes(token, context=context).decode("utf-8")

    def keyed_hash(self, value: str, *, context: str) -> str:
        """HMAC-SHA256 of the normalised value (spaces removed, upper case), hex encoded."""
        normalised = re.sub(r"\s", "", value).upper()
        message = context.encode("utf-8") + b"\x00" + normalised.encode("utf-8")
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()
