"""Event payloads encrypted at rest, with keys that can be rotated.

The library's ``AESCipher`` (AES-GCM) has one key. Events are never rewritten,
so after a rotation the events written before it are still under an older key:
``RotatingCipher`` writes with the current key and reads with whichever of the
current and previous keys the event was written with (GCM's tag tells a wrong
key at once).
"""

from __future__ import annotations

from collections.abc import Mapping

from eventsourcing.cipher import AESCipher

CURRENT = "CIPHER_KEY"
PREVIOUS = "CIPHER_PREVIOUS_KEYS"


class RotatingCipher(AESCipher):
    def __init__(self, environment: Mapping[str, str]) -> None:
        # Read as given, not through the library's name-prefixed lookup, so the
        # keys come from apdr's settings and nowhere else.
        keys = [dict.get(environment, CURRENT, ""), *(dict.get(environment, PREVIOUS) or "").split(",")]
        keys = [k.strip() for k in keys if k.strip()]
        if not keys:
            raise OSError(f"'{CURRENT}' not in env")
        super().__init__({CURRENT: keys[0]})  # type: ignore[arg-type]
        self.previous = [AESCipher({CURRENT: key}) for key in keys[1:]]  # type: ignore[arg-type]

    def decrypt(self, ciphertext: bytes) -> bytes:
        try:
            return super().decrypt(ciphertext)
        except ValueError as error:
            for cipher in self.previous:
                try:
                    return cipher.decrypt(ciphertext)
                except ValueError:
                    continue
            raise ValueError(f"{error} (and no previous key opens it either)") from None
