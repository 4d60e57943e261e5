"""Short verification codes: 12 Crockford base-32 characters (60 bits), derived from content.

Deriving the code from the content key (instead of drawing it at random) keeps rendering
reproducible: the code is printed on the page, so the same content must get the same code.
The key hashes the whole printed content, so a code cannot be guessed without the document.
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
# Crockford: letters people confuse with digits are read as those digits.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def verification_code(content_key: str) -> str:
    digest = hashlib.sha256(f"verificacion:{content_key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * LENGTH)
    chars = []
    for _ in range(LENGTH):
        number, index = divmod(number, 32)
        chars.append(ALPHABET[index])
    return "".join(reversed(chars))


def normalize_code(text: str) -> str | None:
    """The canonical code from what a person typed (spaces, dashes, lower case); None if invalid."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -.\t").translate(_READ_AS)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
