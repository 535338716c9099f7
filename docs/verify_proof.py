#!/usr/bin/env python3
"""Checks fermata manifest proofs with nothing but Python 3's standard library.

Usage:
    python3 verify_proof.py PROOF_OR_BUNDLE.json ROOT_HEX TREE_SIZE

PROOF_OR_BUNDLE.json is one proof (`fermata manifest prove`) or a holder's bundle
(`fermata report proof`, whose `proofs` are all checked). ROOT_HEX and TREE_SIZE are the
values the developer published for the manifest. Prints one line per proof and exits 0 when
every proof holds, 1 otherwise.

The encoding (docs/manifest.md):
    leaf = SHA-256(0x00 || ISRC "|" SHA256 "|" CLEARANCE)   CLEARANCE: sorted, joined by ","
    node = SHA-256(0x01 || left || right)
    tree shape and audit paths: RFC 9162, section 2.1
"""

import hashlib
import json
import sys


def leaf_hash(leaf):
    data = "{}|{}|{}".format(leaf["isrc"], leaf["sha256"], ",".join(leaf["clearance"]))
    return hashlib.sha256(b"\x00" + data.encode("utf-8")).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(index, size, leaf, path):
    """RFC 9162 section 2.1.3.2; None when the path does not fit a tree of that size."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for hex_sibling in path:
        p = bytes.fromhex(hex_sibling)
        if len(p) != 32 or sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def canonical_isrc(isrc):
    return len(isrc) == 12 and all(c.isdigit() or ("A" <= c <= "Z") for c in isrc)


def check(proof, root, size):
    """Returns (ok, reason)."""
    isrc = proof.get("isrc", "")
    if proof.get("format") != "fermata-manifest-proof" or proof.get("version") != 1:
        return False, "not a version 1 fermata proof"
    if not canonical_isrc(isrc):
        return False, "the ISRC is not in canonical form"
    if proof.get("tree_size") != size:
        return False, "the proof is for {} leaves, not {}".format(proof.get("tree_size"), size)

    def leads_to_root(leaf):
        return root_from_path(leaf["leaf_index"], size, leaf_hash(leaf), leaf["path"]) == root

    if proof.get("result") == "included":
        leaves = proof.get("leaves") or []
        if not leaves:
            return False, "an inclusion proof without leaves"
        for leaf in leaves:
            if leaf["isrc"] != isrc or not leads_to_root(leaf):
                return False, "leaf {} does not lead to the root".format(leaf.get("leaf_index"))
        return True, "is in the manifest"
    if proof.get("result") == "not-included":
        before, after = proof.get("before"), proof.get("after")
        if size == 0:
            empty = hashlib.sha256(b"").digest()
            return (root == empty and before is None and after is None), "the manifest is empty"
        if before is not None and not (leads_to_root(before) and before["isrc"] < isrc):
            return False, "the leaf before does not check out"
        if after is not None and not (leads_to_root(after) and after["isrc"] > isrc):
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
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
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
        print("{} {}: {}".format("valid  " if ok else "INVALID", proof.get("isrc"), reason))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
