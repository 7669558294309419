"""The signed batch file a station exports (pure: the station writes it too).

``{"kind", "version", "body", "signature"}``: ``body`` is Base64 of UTF-8 JSON
``{"merchant_id", "device", "exported_at", "redemptions": [{"nonce", "serial",
"code", "quantity", "redeemed_at", "branch", "cashier"}]}`` and ``signature``
Base64 of the Ed25519 signature of those body bytes by the merchant's batch key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

KIND = "groupbuy-coupon-batch"
VERSION = 1


class BatchError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def write(body: dict, signing_key: bytes) -> bytes:
    body_bytes = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    signature = SigningKey(signing_key).sign(body_bytes).signature
    document = {
        "kind": KIND,
        "version": VERSION,
        "body": base64.b64encode(body_bytes).decode("ascii"),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(document, indent=1).encode("utf-8")


def read(data: bytes, verify_keys: list[bytes]) -> tuple[dict, str, bytes]:
    """Return (body, digest of the body, the key that signed it); raise BatchError."""
    try:
        document = json.loads(data)
        if document.get("kind") != KIND or document.get("version") != VERSION:
            raise ValueError("not a batch")
        body_bytes = base64.b64decode(document["body"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
        raise BatchError(
            "malformed_batch", "This is not a coupon batch file."
        ) from error
    for key in verify_keys:
        try:
            VerifyKey(key).verify(body_bytes, signature)
        except (BadSignatureError, ValueError):
            continue
        try:
            body = json.loads(body_bytes)
            if not isinstance(body, dict) or not isinstance(
                body.get("redemptions"), list
            ):
                raise ValueError("no redemptions")
        except ValueError as error:
            raise BatchError("malformed_batch", "The batch body is damaged.") from error
        return body, hashlib.sha256(body_bytes).hexdigest(), key
    raise BatchError(
        "bad_batch_signature",
        "This batch is not signed by one of this merchant's keys.",
    )
