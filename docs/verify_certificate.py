#!/usr/bin/env python3
"""Checks a fermata certificate of clean training with nothing but Python 3's standard library.

Usage:
    python3 verify_certificate.py CERTIFICATE.jws ISSUER_KEY
    python3 verify_certificate.py --self-test

CERTIFICATE.jws is the JWS `fermata certificate issue` wrote (or the web page served).
ISSUER_KEY is a file holding the issuer's public key: SPKI PEM (`-----BEGIN PUBLIC KEY-----`),
a JWK ({"kty":"OKP","crv":"Ed25519","x":...}), or the raw 32 bytes in base64url or hex.
Prints "valid" and what the certificate binds, exit status 0; or "invalid: WHY", exit status 1.
--self-test checks the Ed25519 code below against RFC 8032 section 7.1, TEST 1-3.

The format (docs/certificate.md): a JWS in compact serialisation (RFC 7515),
    BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)
the header {"alg":"EdDSA","kid":KID,"typ":"fermata-certificate+jws"}, the signature Ed25519
(RFC 8032, RFC 8037) over the ASCII text BASE64URL(header) "." BASE64URL(payload), and the
payload JSON with "format": "fermata-certificate", "version": 1. KID is the RFC 7638 thumbprint
of the key: BASE64URL(SHA-256('{"crv":"Ed25519","kty":"OKP","x":"' X '"}')), X the key in
base64url.

Ed25519 verification, as RFC 8032 section 5.1.7 describes it: the curve is the twisted Edwards
curve -x^2 + y^2 = 1 + d x^2 y^2 over the integers modulo p = 2^255 - 19, d = -121665/121666;
B is the point with y = 4/5 and even x; L = 2^252 + 27742317777372353535851937790883648493 is
its order. A point is written as 32 bytes: y little-endian, with the top bit the low bit of x.
A signature (R, S) of message M by key A holds when S < L and [S]B = R + [k]A, where
k = SHA-512(R || A || M) read little-endian, modulo L.
"""

import base64
import hashlib
import json
import sys

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_MINUS_ONE = pow(2, (P - 1) // 4, P)


def inverse(x):
    return pow(x, P - 2, P)


# Points are kept in extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, x*y = T/Z.
def point_add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e1 = (y1 - x1) * (y2 - x2) % P
    e2 = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    zz = 2 * z1 * z2 % P
    e, f, g, h = e2 - e1, zz - c, zz + c, e2 + e1
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def scalar_mult(s, point):
    result = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        s >>= 1
    return result


def same_point(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def x_from_y(y, x_is_odd):
    """The x of the curve point with this y and x's parity, or None."""
    if y >= P:
        return None
    xx = (y * y - 1) * inverse(D * y * y + 1) % P
    if xx == 0:
        return None if x_is_odd else 0
    x = pow(xx, (P + 3) // 8, P)
    if (x * x - xx) % P != 0:
        x = x * SQRT_MINUS_ONE % P
    if (x * x - xx) % P != 0:
        return None
    if (x & 1) != x_is_odd:
        x = P - x
    return x


def decode_point(data):
    if len(data) != 32:
        return None
    n = int.from_bytes(data, "little")
    y = n & ((1 << 255) - 1)
    x = x_from_y(y, n >> 255)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


def encode_point(point):
    z = inverse(point[2])
    x, y = point[0] * z % P, point[1] * z % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


BASE_Y = 4 * inverse(5) % P
BASE = (x_from_y(BASE_Y, 0), BASE_Y, 1, x_from_y(BASE_Y, 0) * BASE_Y % P)


def public_from_secret(secret):
    """The RFC 8032 public key of a 32-byte secret (for the self-test)."""
    h = hashlib.sha512(secret).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return encode_point(scalar_mult(a, BASE))


def ed25519_verify(public, message, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    a = decode_point(public)
    r = decode_point(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    return same_point(scalar_mult(s, BASE), point_add(r, scalar_mult(k, a)))


# RFC 8032 section 7.1, TEST 1-3: secret key, public key, message, signature (hex).
RFC8032_VECTORS = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]


def self_test():
    ok = True
    for n, (sk, pk, msg, sig) in enumerate(RFC8032_VECTORS, 1):
        sk, pk, msg, sig = (bytes.fromhex(v) for v in (sk, pk, msg, sig))
        derived = public_from_secret(sk) == pk
        good = ed25519_verify(pk, msg, sig)
        flipped = bytearray(sig)
        flipped[n] ^= 0x01
        bad = ed25519_verify(pk, msg, bytes(flipped))
        other = ed25519_verify(pk, msg + b"x", sig)
        passed = derived and good and not bad and not other
        ok = ok and passed
        print(f"TEST {n}: {'ok' if passed else 'FAILED'}")
    return ok


def b64url_decode(text):
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


SPKI_ED25519_PREFIX = bytes.fromhex("302a300506032b6570032100")


def read_public_key(text):
    text = text.strip()
    if text.startswith("-----BEGIN PUBLIC KEY-----"):
        # Only the PEM block (`fermata certificate key show` prints the JWK after it).
        block = text.split("-----END PUBLIC KEY-----")[0].splitlines()[1:]
        body = "".join(line.strip() for line in block)
        der = base64.b64decode(body, validate=True)
        if len(der) != 44 or not der.startswith(SPKI_ED25519_PREFIX):
            raise ValueError("not an SPKI Ed25519 public key")
        return der[12:]
    if text.startswith("{"):
        jwk = json.loads(text)
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError("the JWK is not an Ed25519 key")
        raw = b64url_decode(jwk["x"])
    elif len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text):
        raw = bytes.fromhex(text)
    else:
        raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return raw


def thumbprint(public):
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"%s"}' % b64url_encode(public)
    return b64url_encode(hashlib.sha256(canonical.encode("ascii")).digest())


def check(jws, public):
    """The payload of a valid certificate; raises ValueError naming what is wrong."""
    parts = jws.strip().split(".")
    if len(parts) != 3:
        raise ValueError("a JWS in compact serialisation has three parts")
    header = json.loads(b64url_decode(parts[0]))
    if header.get("alg") != "EdDSA" or header.get("typ") != "fermata-certificate+jws":
        raise ValueError("the header is not alg EdDSA, typ fermata-certificate+jws")
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    if not ed25519_verify(public, signing_input, b64url_decode(parts[2])):
        raise ValueError("the signature does not verify with this key")
    payload = json.loads(b64url_decode(parts[1]))
    if payload.get("format") != "fermata-certificate" or payload.get("version") != 1:
        raise ValueError("not a fermata-certificate version 1 payload")
    kid = thumbprint(public)
    if header.get("kid") != kid or payload.get("kid") != kid:
        raise ValueError("the key ids of the header, payload and key differ")
    return payload


def main(argv):
    if argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="ascii") as f:
            jws = f.read(16 * 1024 * 1024 + 1)
        with open(argv[2], encoding="utf-8") as f:
            public = read_public_key(f.read(4096))
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        c = check(jws, public)
    except (ValueError, KeyError, UnicodeDecodeError) as e:
        print(f"invalid: {e}")
        return 1
    print(f"valid: {c['id']} for model {c['model']} by {c['developer']}, issued {c['issued_at']} by {c['issuer']}")
    print(f"  {c['statement']}")
    print(f"  training dates: {', '.join(c['training_dates'])}; works: {c['works']}")
    for s in c["scans"]:
        m = s["manifest"]
        print(f"  scan {s['id']} ({s['dataset']}, {s['use']}, {s['territory']}, {s['finished_at']}): "
              f"manifest {m['id']} v{m['version']} root {m['root']} leaves {m['tree_size']}")
    for lic in c["licences"]:
        print(f"  licence {lic['id']} from {lic['holder']}: {' '.join(lic['works'])}, "
              f"{lic['valid_from']}..{lic['valid_to'] or ''}")
    for p in c["policies"]:
        print(f"  policy of {p['holder']} for {p['work']}: {p['decision']} {p['use']} (set {p['updated_at']})")
    for u in c["usage_reports"]:
        print(f"  usage report {u['id']} {u['date']} run {u['run']} sha256 {u['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
