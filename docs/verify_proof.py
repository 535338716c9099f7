#!/usr/bin/env python3
"""Checks fermata manifest proofs with nothing but Python 3's standard library.

Usage:
    python3 verify_proof.py PROOF_OR_BUNDLE.json ROOT_HEX TREE_SIZE

PROOF_OR_BUNDLE.json is one proof (`fermata manifest prove`) or a holder's bundle
(`fermata report proof`, whose `proofs` are all checked). ROOT_HEX and TREE_SIZE are the
values the developer published for the manifest. Prints one line per proof (for a version 2
or 3 proof, with the developer, model, use and territory of the manifest, which the root commits
to) and exits 0 when every proof holds, 1 otherwise.

The encoding (docs/manifest.md), version 3:
    u64(n) = 8 bytes big-endian; str(s) = u64(len of UTF-8 bytes) || bytes; list(xs) = u64(count) || str(x)...
    leaf   = SHA-256(0x00 || str(isrc) || str(sha256) || list(clearance) || list(holders) || str(path) || str(title)),
             its range (isrc, isrc)
    node   = SHA-256(0x04 || left || right || str(left.min) || str(left.max) || str(right.min) || str(right.max)),
             its range (left.min, right.max), valid only when left.min <= left.max <= right.min <= right.max;
             tree shape and audit paths: RFC 9162, section 2.1; a path step is {hash, min, max} of the sibling
    header = SHA-256(0x02 || str("fermata-cleared-manifest") || u64(version) || str(id) || str(created_at)
                     || str(scan.id) || str(scan.developer) || str(scan.model) || str(scan.use)
                     || str(scan.territory) || str(scan.dataset) || str(scan.finished_at)
                     || str(declared_root))
             where declared_root (the proof header's `declared_root`) is the hex SHA-256 of
             0x05 || u64(count) || str(path) || str(sha256) || str(source) || str(reference) for each
             file whose source the developer declared, in path order
    root   = SHA-256(0x03 || header || u64(tree_size) || tree_root)
Version 2 (still checked): node = SHA-256(0x01 || left || right), no ranges, a path step is a hex hash;
the header ends at str(scan.finished_at).
Version 1 (still checked): leaf = SHA-256(0x00 || ISRC "|" SHA256 "|" CLEARANCE joined by ","),
version 2's nodes, and the root is the tree root.
"""

import hashlib
import json
import struct
import sys


def u64(n):
    return struct.pack(">Q", n)


def enc_str(s):
    if not isinstance(s, str):
        raise TypeError("expected a string, got {!r}".format(s))
    b = s.encode("utf-8")
    return u64(len(b)) + b


def enc_list(items):
    if not isinstance(items, list):
        raise TypeError("expected a list, got {!r}".format(items))
    return u64(len(items)) + b"".join(enc_str(x) for x in items)


def leaf_isrc(leaf, version):
    return leaf["entry"]["isrc"] if version >= 2 else leaf["isrc"]


def leaf_hash(leaf, version):
    if version >= 2:
        e = leaf["entry"]
        data = (enc_str(e["isrc"]) + enc_str(e["sha256"]) + enc_list(e["clearance"]) + enc_list(e["holders"])
                + enc_str(e["path"]) + enc_str(e["title"]))
    else:
        data = "{}|{}|{}".format(leaf["isrc"], leaf["sha256"], ",".join(leaf["clearance"])).encode("utf-8")
    return hashlib.sha256(b"\x00" + data).digest()


def header_hash(manifest, version):
    scan = manifest["scan"]
    data = enc_str("fermata-cleared-manifest") + u64(version) + b"".join(
        enc_str(v) for v in [manifest["id"], manifest["created_at"], scan["id"], scan["developer"], scan["model"],
                             scan["use"], scan["territory"], scan["dataset"], scan["finished_at"]])
    if version >= 3:
        data += enc_str(manifest["declared_root"])
    return hashlib.sha256(b"\x02" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def range_node(left, right):
    """Version 3: the parent (hash, min, max) of two (hash, min, max), or None when out of order."""
    (lh, lmin, lmax), (rh, rmin, rmax) = left, right
    # Python compares str by code point, which for UTF-8 is byte order, as the format says.
    if not (lmin <= lmax <= rmin <= rmax):
        return None
    data = lh + rh + enc_str(lmin) + enc_str(lmax) + enc_str(rmin) + enc_str(rmax)
    return hashlib.sha256(b"\x04" + data).digest(), lmin, rmax


def sibling(step, version):
    """A path step as (hash, min, max) in version 3, as a hash before; None when miswritten."""
    if version == 3:
        if not isinstance(step, dict):
            return None
        h, lo, hi = step["hash"], step["min"], step["max"]
        if not (isinstance(lo, str) and isinstance(hi, str)):
            raise TypeError("a path step's min and max must be strings")
    else:
        if not isinstance(step, str):
            return None
        h = step
    p = bytes.fromhex(h)
    if len(p) != 32:
        return None
    return (p, lo, hi) if version == 3 else p


def root_from_path(index, size, leaf, path, version):
    """RFC 9162 section 2.1.3.2; None when the path does not fit a tree of that size (or, in
    version 3, has a node out of order). `leaf` is a hash, or (hash, isrc, isrc) in version 3."""
    if index >= size:
        return None
    join = range_node if version == 3 else node_hash
    fn, sn, r = index, size - 1, leaf
    for step in path:
        p = sibling(step, version)
        if p is None or sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = join(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = join(r, p)
        if r is None:
            return None
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None
    return r[0] if version == 3 else r


def canonical_isrc(isrc):
    return len(isrc) == 12 and all(c.isdigit() or ("A" <= c <= "Z") for c in isrc)


def check(proof, root, size):
    """Returns (ok, reason)."""
    isrc = proof.get("isrc", "")
    version = proof.get("version")
    if proof.get("format") != "fermata-manifest-proof" or version not in (1, 2, 3):
        return False, "not a version 1, 2 or 3 fermata proof"
    if not canonical_isrc(isrc):
        return False, "the ISRC is not in canonical form"
    if proof.get("tree_size") != size:
        return False, "the proof is for {} leaves, not {}".format(proof.get("tree_size"), size)
    if version >= 2:
        # The published root commits to the header, the tree size and the tree root; the
        # leaves lead to the tree root.
        tree_root = bytes.fromhex(proof["tree_root"])
        if hashlib.sha256(b"\x03" + header_hash(proof["manifest"], version) + u64(size) + tree_root).digest() != root:
            return False, "the manifest header, tree size and tree root do not give the published root"
    else:
        if "manifest" in proof or "tree_root" in proof:
            return False, "a version 1 proof carries no manifest header or tree root"
        tree_root = root

    def leads_to_root(leaf):
        h = leaf_hash(leaf, version)
        start = (h, leaf_isrc(leaf, version), leaf_isrc(leaf, version)) if version == 3 else h
        return root_from_path(leaf["leaf_index"], size, start, leaf["path"], version) == tree_root

    if proof.get("result") == "included":
        leaves = proof.get("leaves") or []
        if not leaves:
            return False, "an inclusion proof without leaves"
        for leaf in leaves:
            if leaf_isrc(leaf, version) != isrc or not leads_to_root(leaf):
                return False, "leaf {} does not lead to the root".format(leaf.get("leaf_index"))
        return True, "is in the manifest"
    if proof.get("result") == "not-included":
        before, after = proof.get("before"), proof.get("after")
        if size == 0:
            empty = hashlib.sha256(b"").digest()
            return (tree_root == empty and before is None and after is None), "the manifest is empty"
        if before is not None and not (leads_to_root(before) and leaf_isrc(before, version) < isrc):
            return False, "the leaf before does not check out"
        if after is not None and not (leads_to_root(after) and leaf_isrc(after, version) > isrc):
            return False, "the leaf after does not check out"
        if before is not None and after is not None:
            adjacent = after["leaf_index"] == before["leaf_index"] + 1
        elif after is not None:
            adjacent = after["leaf_index"] == 0
        elif before is not None:
            adjacent = before["leaf_index"] == size - 1
        else:
            adjacent = False
        if not adjacent:
            return False, "the bracketing leaves are not adjacent"
        return True, "is not in the manifest"
    return False, "unknown result {!r}".format(proof.get("result"))


def main(argv):
    if len(argv) != 4:
        print("\n".join(__doc__.strip().splitlines()[2:4]), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        document = json.load(f)
    try:
        root = bytes.fromhex(argv[2])
        size = int(argv[3])
    except ValueError:
        print("ROOT_HEX must be hex and TREE_SIZE a number", file=sys.stderr)
        return 2
    proofs = document["proofs"] if document.get("format") == "fermata-holder-proofs" else [document]
    all_ok = True
    for proof in proofs:
        try:
            ok, reason = check(proof, root, size)
        except (KeyError, TypeError, ValueError) as e:
            ok, reason = False, "malformed proof: {}".format(e)
        all_ok &= ok
        about = ""
        if ok and proof.get("version") in (2, 3):
            m = proof["manifest"]
            about = " ({}: model {} of {}, {}, {})".format(m["id"], m["scan"]["model"], m["scan"]["developer"],
                                                             m["scan"]["use"], m["scan"]["territory"])
        print("{} {}: {}{}".format("valid  " if ok else "INVALID", proof.get("isrc"), reason, about))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
