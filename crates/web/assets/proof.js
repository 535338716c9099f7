// fermata's public proof checker. A person pastes (or uploads) a manifest proof and a published
// root; this file checks it in the browser with WebCrypto, with no call to any server. It checks
// exactly what the Rust verifier checks (crates/manifest: `WorkProof::from_json`, `verify` and
// `verify_for`, proof versions 1, 2 and 3; docs/manifest.md describes the encoding), and
// crates/manifest/tests/js_verifier.rs holds it to the same verdicts.
//
// Core: `verifyProof(proofJsonText, publishedRootHex, expectedIsrc)` resolves to
//   {ok: true, result: 'included' | 'not-included', isrc, version,
//    manifest: {id, developer, model, use, territory, created_at} | null, leaves: n}
// or {ok: false, reason: 'malformed' | 'version' | 'invalid' | 'wrong-work' | 'root', detail}.
// It never throws. It runs in Node 20 and in browsers (it needs `crypto.subtle`: a secure
// context).
//
// DOM (only where `document` exists): form#proof-form with textarea#proof-text,
// input#proof-file, input#proof-root, input#proof-work and the output #proof-result, whose
// data-msg-* attributes hold the localized messages (placeholders {isrc}, {model},
// {developer}, {manifest}). The outcome is written as text, with data-outcome="valid|invalid",
// class ok|bad, data-reason and data-detail.
(function () {
  'use strict';

  const PROOF_FORMAT = 'fermata-manifest-proof';
  const MANIFEST_FORMAT = 'fermata-cleared-manifest';
  const OLDEST_READABLE_PROOF_VERSION = 1;
  const PROOF_VERSION = 3;
  // serde_json refuses nesting this deep (its recursion limit).
  const MAX_JSON_DEPTH = 128;
  const U32_END = 1n << 32n;
  const U64_END = 1n << 64n;

  /** A refusal: its reason is one of the result reasons. */
  class ProofError extends Error {
    constructor(reason, detail) {
      super(detail);
      this.reason = reason;
    }
  }

  const malformed = (detail) => new ProofError('malformed', `not a valid proof: ${detail}`);
  const invalid = (detail) => new ProofError('invalid', `the proof does not verify: ${detail}`);

  // ---------------------------------------------------------------------------------------
  // JSON, read as serde_json reads it: numbers keep their written form (a u64 is exact, and
  // 2.0, -0 or 1e0 are not integers), repeated keys are remembered (serde refuses a repeated
  // field), lone surrogates and numbers out of range are refused.

  class JsonNumber {
    constructor(raw) {
      this.raw = raw;
    }
  }

  class JsonObject {
    constructor() {
      this.map = new Map();
      this.repeated = new Set();
    }
  }

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

  function parseJson(text) {
    let i = 0;
    let depth = 0;
    const error = (what) => malformed(`${what} at character ${i} of the JSON`);
    const space = () => {
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
        i += 1;
      }
    };
    const expect = (c) => {
      space();
      if (text[i] !== c) throw error(i < text.length ? `expected '${c}'` : 'unexpected end');
      i += 1;
    };
    const enter = () => {
      depth += 1;
      if (depth >= MAX_JSON_DEPTH) throw error('nesting too deep');
    };
    const hex4 = () => {
      const digits = text.slice(i, i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw error('bad \\u escape');
      i += 4;
      return parseInt(digits, 16);
    };
    const isHigh = (u) => u >= 0xd800 && u <= 0xdbff;
    const isLow = (u) => u >= 0xdc00 && u <= 0xdfff;

    function string() {
      i += 1; // the opening quote
      let out = '';
      for (;;) {
        if (i >= text.length) throw error('unterminated string');
        const c = text.charCodeAt(i);
        if (c === 0x22) {
          i += 1;
          return out;
        }
        if (c < 0x20) throw error('control character in a string');
        if (c === 0x5c) {
          const e = text[i + 1];
          i += 2;
          if (e === 'u') {
            const u = hex4();
            if (isLow(u)) throw error('lone surrogate in a \\u escape');
            if (isHigh(u)) {
              if (text[i] !== '\\' || text[i + 1] !== 'u') throw error('lone surrogate in a \\u escape');
              i += 2;
              const low = hex4();
              if (!isLow(low)) throw error('lone surrogate in a \\u escape');
              out += String.fromCharCode(u, low);
            } else {
              out += String.fromCharCode(u);
            }
          } else if (Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
            out += ESCAPES[e];
          } else {
            throw error('bad escape');
          }
          continue;
        }
        // Raw text: a surrogate must be half of a pair (Rust text is UTF-8).
        if (isHigh(c) && isLow(text.charCodeAt(i + 1))) {
          out += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (isHigh(c) || isLow(c)) throw error('lone surrogate');
        out += text[i];
        i += 1;
      }
    }

    /** After an opening bracket: `item` for each comma-separated item, up to `close`. */
    function items(close, item) {
      enter();
      i += 1;
      space();
      if (text[i] === close) {
        i += 1;
      } else {
        for (;;) {
          item();
          space();
          if (text[i] !== ',') break;
          i += 1;
        }
        expect(close);
      }
      depth -= 1;
    }

    function value() {
      space();
      const c = text[i];
      if (c === '{') {
        const object = new JsonObject();
        items('}', () => {
          space();
          if (text[i] !== '"') throw error(i < text.length ? 'expected a key' : 'unexpected end');
          const key = string();
          expect(':');
          const v = value();
          if (object.map.has(key)) object.repeated.add(key);
          object.map.set(key, v);
        });
        return object;
      }
      if (c === '[') {
        const array = [];
        items(']', () => array.push(value()));
        return array;
      }
      if (c === '"') return string();
      NUMBER.lastIndex = i;
      const number = NUMBER.exec(text);
      if (number) {
        i = NUMBER.lastIndex;
        if (!Number.isFinite(Number(number[0]))) throw error('number out of range');
        return new JsonNumber(number[0]);
      }
      for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return v;
        }
      }
      throw error(i < text.length ? 'unexpected character' : 'unexpected end');
    }

    const top = value();
    space();
    if (i < text.length) throw error('trailing characters');
    return top;
  }

  // ---------------------------------------------------------------------------------------
  // The proof's shape, as serde derives it for `WorkProof`, `LeafProof`, `ProvedLeaf`,
  // `Entry` and `ManifestHeader`: required fields present once and of their type, optional
  // ones absent or null, other fields ignored.

  function field(object, name, where) {
    if (object.repeated.has(name)) throw malformed(`duplicate field \`${name}\` in ${where}`);
    return object.map.get(name);
  }

  function required(object, name, where) {
    const v = field(object, name, where);
    if (v === undefined) throw malformed(`missing field \`${name}\` in ${where}`);
    return v;
  }

  function optional(object, name, where) {
    const v = field(object, name, where);
    return v === undefined || v === null ? null : v;
  }

  function objectAt(v, where) {
    if (!(v instanceof JsonObject)) throw malformed(`${where} is not a JSON object`);
    return v;
  }

  function text(object, name, where) {
    const v = required(object, name, where);
    if (typeof v !== 'string') throw malformed(`\`${name}\` in ${where} is not a string`);
    return v;
  }

  function texts(object, name, where) {
    const v = required(object, name, where);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw malformed(`\`${name}\` in ${where} is not a list of strings`);
    }
    return v;
  }

  /** An unsigned integer below `end`, written as one (no sign, fraction or exponent). */
  function unsigned(object, name, where, end) {
    const v = required(object, name, where);
    if (!(v instanceof JsonNumber) || !/^(?:0|[1-9][0-9]*)$/.test(v.raw) || BigInt(v.raw) >= end) {
      throw malformed(`\`${name}\` in ${where} is not an integer from 0 to ${end - 1n}`);
    }
    return BigInt(v.raw);
  }

  function readEntry(v, where) {
    const o = objectAt(v, where);
    return {
      isrc: text(o, 'isrc', where),
      title: text(o, 'title', where),
      path: text(o, 'path', where),
      sha256: text(o, 'sha256', where),
      clearance: texts(o, 'clearance', where),
      holders: texts(o, 'holders', where),
    };
  }

  function readHeader(v) {
    const o = objectAt(v, 'the manifest header');
    const scan = objectAt(required(o, 'scan', 'the manifest header'), 'the scan');
    const s = (name) => text(scan, name, 'the scan');
    const declaredRoot = optional(o, 'declared_root', 'the manifest header');
    if (declaredRoot !== null && typeof declaredRoot !== 'string') {
      throw malformed('`declared_root` in the manifest header is not a string');
    }
    return {
      id: text(o, 'id', 'the manifest header'),
      created_at: text(o, 'created_at', 'the manifest header'),
      scan: {
        id: s('id'),
        developer: s('developer'),
        model: s('model'),
        use: s('use'),
        territory: s('territory'),
        dataset: s('dataset'),
        finished_at: s('finished_at'),
      },
      declared_root: declaredRoot,
    };
  }

  /**
   * A `LeafProof`'s path, as serde reads `Vec<Sibling>`: each step a hex hash (versions 1 and
   * 2) or `{hash, min, max}` (version 3).
   */
  function readPath(o, where) {
    const v = required(o, 'path', where);
    if (!Array.isArray(v)) throw malformed(`\`path\` in ${where} is not a list`);
    return v.map((step) => {
      if (typeof step === 'string') return step;
      if (step instanceof JsonObject) {
        try {
          const at = `a path step of ${where}`;
          return { hash: text(step, 'hash', at), min: text(step, 'min', at), max: text(step, 'max', at) };
        } catch (e) {
          if (!(e instanceof ProofError)) throw e;
        }
      }
      throw malformed(`a step of \`path\` in ${where} is neither a hash nor {hash, min, max}`);
    });
  }

  /** A `LeafProof`: its leaf is `{entry}` (versions 2 and 3) or else `{isrc, sha256, clearance}`. */
  function readLeaf(v, where) {
    const o = objectAt(v, where);
    const leaf = {
      index: unsigned(o, 'leaf_index', where, U64_END),
      path: readPath(o, where),
    };
    try {
      leaf.entry = readEntry(required(o, 'entry', where), `${where}'s entry`);
      leaf.isrc = leaf.entry.isrc;
      return leaf;
    } catch (e) {
      if (!(e instanceof ProofError)) throw e;
    }
    try {
      leaf.isrc = text(o, 'isrc', where);
      leaf.sha256 = text(o, 'sha256', where);
      leaf.clearance = texts(o, 'clearance', where);
      return leaf;
    } catch (e) {
      if (!(e instanceof ProofError)) throw e;
      throw malformed(`${where} is neither a version 2 or 3 leaf ({entry}) nor a version 1 one ({isrc, sha256, clearance})`);
    }
  }

  function readProof(json) {
    const top = objectAt(parseJson(json), 'the proof');
    const where = 'the proof';
    const result = required(top, 'result', where);
    if (result !== 'included' && result !== 'not-included') {
      throw malformed("`result` is not 'included' or 'not-included'");
    }
    text(top, 'root', where);
    const manifest = optional(top, 'manifest', where);
    const treeRoot = optional(top, 'tree_root', where);
    if (treeRoot !== null && typeof treeRoot !== 'string') throw malformed('`tree_root` is not a string');
    const proof = {
      result,
      format: text(top, 'format', where),
      version: unsigned(top, 'version', where, U32_END),
      isrc: text(top, 'isrc', where),
      treeSize: unsigned(top, 'tree_size', where, U64_END),
      manifest: manifest === null ? null : readHeader(manifest),
      treeRoot,
    };
    if (result === 'included') {
      const leaves = required(top, 'leaves', where);
      if (!Array.isArray(leaves)) throw malformed('`leaves` is not a list');
      proof.leaves = leaves.map((l, n) => readLeaf(l, `leaf ${n}`));
    } else {
      const before = optional(top, 'before', where);
      const after = optional(top, 'after', where);
      proof.before = before === null ? null : readLeaf(before, 'the leaf before');
      proof.after = after === null ? null : readLeaf(after, 'the leaf after');
    }
    return proof;
  }

  // ---------------------------------------------------------------------------------------
  // Encoding and hashes (docs/manifest.md; crates/manifest/src/merkle.rs).

  const utf8 = new TextEncoder();

  /** u64(n), str(s) and list(xs), concatenated. */
  class Encoder {
    constructor() {
      this.parts = [];
    }
    u64(n) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(n));
      this.parts.push(b);
      return this;
    }
    str(s) {
      const b = utf8.encode(s);
      this.u64(b.length);
      this.parts.push(b);
      return this;
    }
    list(xs) {
      this.u64(xs.length);
      xs.forEach((x) => this.str(x));
      return this;
    }
  }

  function concat(parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async function sha256(...parts) {
    return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', concat(parts)));
  }

  const byte = (b) => Uint8Array.of(b);
  const leafHash = (data) => sha256(byte(0), data);
  const nodeHash = (left, right) => sha256(byte(1), left, right);

  function entryData(e) {
    const enc = new Encoder().str(e.isrc).str(e.sha256).list(e.clearance).list(e.holders);
    return concat(enc.str(e.path).str(e.title).parts);
  }

  /**
   * Version 3: the parent {hash, min, max} of two, or null when out of order (byte order:
   * left.min <= left.max <= right.min <= right.max).
   */
  async function rangeNode(left, right) {
    const ordered =
      compare(left.min, left.max) <= 0 && compare(left.max, right.min) <= 0 && compare(right.min, right.max) <= 0;
    if (!ordered) return null;
    const keys = new Encoder().str(left.min).str(left.max).str(right.min).str(right.max);
    const hash = await sha256(byte(4), left.hash, right.hash, ...keys.parts);
    return { hash, min: left.min, max: right.max };
  }

  function headerData(h, version) {
    const s = h.scan;
    const enc = new Encoder().str(MANIFEST_FORMAT).u64(version);
    for (const f of [h.id, h.created_at, s.id, s.developer, s.model, s.use, s.territory, s.dataset, s.finished_at]) {
      enc.str(f);
    }
    // Version 3 appends the root of the declared files (files whose source the developer declared).
    if (version >= 3n) enc.str(h.declared_root ?? '');
    return concat(enc.parts);
  }

  async function publishedRoot(header, version, treeSize, treeRoot) {
    const headerHash = await sha256(byte(2), headerData(header, version));
    return sha256(byte(3), headerHash, new Encoder().u64(treeSize).parts[0], treeRoot);
  }

  /**
   * RFC 9162 §2.1.3.2: the root from a leaf and its audit path, or null. `join` makes a parent:
   * `nodeHash` over hashes (versions 1 and 2), `rangeNode` over {hash, min, max} (version 3;
   * it throws `order` when a node is out of order).
   */
  async function rootFromPath(index, size, leaf, path, join) {
    if (index >= size) return null;
    let fn = index;
    let sn = size - 1n;
    let r = leaf;
    for (const p of path) {
      if (sn === 0n) return null;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await join(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await join(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n ? r : null;
  }

  const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const equal = (a, b) => a.length === b.length && a.every((x, n) => x === b[n]);

  /** A 32-byte hash from hex of either case, as the hex crate reads it. */
  function parseHash(h, reason) {
    if (!/^[0-9a-fA-F]{64}$/.test(h)) {
      throw new ProofError(reason, `the proof does not verify: '${h}' is not a 32-byte hex hash`);
    }
    return Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
  }

  /** Rust's `str::trim`: Unicode White_Space (which has U+0085 and not U+FEFF, unlike JS's). */
  const rustTrim = (s) =>
    s.replace(/^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');

  /** Rust's byte-wise `str` order (UTF-8), not JavaScript's UTF-16 one. */
  function compare(a, b) {
    const x = utf8.encode(a);
    const y = utf8.encode(b);
    for (let n = 0; n < Math.min(x.length, y.length); n += 1) {
      if (x[n] !== y[n]) return x[n] - y[n];
    }
    return x.length - y.length;
  }

  // ---------------------------------------------------------------------------------------
  // The checks of `WorkProof::verify` / `verify_for`, in their order.

  /** `LeafProof::check`: the leaf, written as its version's leaves are, leads to `treeRoot`. */
  async function checkLeaf(leaf, version, treeSize, treeRoot) {
    const miswritten = () => invalid(`leaf ${leaf.index} is not written as a version ${version} proof's leaves are`);
    let data;
    if (version === 1n && !leaf.entry) {
      data = utf8.encode(`${leaf.isrc}|${leaf.sha256}|${leaf.clearance.join(',')}`);
    } else if ((version === 2n || version === 3n) && leaf.entry) {
      data = entryData(leaf.entry);
    } else {
      throw miswritten();
    }
    const hash = await leafHash(data);
    let r;
    if (version === 3n) {
      const path = leaf.path.map((step) => {
        if (typeof step === 'string') throw miswritten();
        return { hash: parseHash(step.hash, 'invalid'), min: step.min, max: step.max };
      });
      const join = async (left, right) => {
        const parent = await rangeNode(left, right);
        if (parent === null) {
          throw invalid(
            `the path of leaf ${leaf.index} (${leaf.isrc}) has a node whose children's ISRC ranges are out of order: the leaves are not sorted`,
          );
        }
        return parent;
      };
      const top = await rootFromPath(leaf.index, treeSize, { hash, min: leaf.isrc, max: leaf.isrc }, path, join);
      r = top && top.hash;
    } else {
      const path = leaf.path.map((step) => {
        if (typeof step !== 'string') throw miswritten();
        return parseHash(step, 'invalid');
      });
      r = await rootFromPath(leaf.index, treeSize, hash, path, nodeHash);
    }
    if (r === null || !equal(r, treeRoot)) {
      throw invalid(`leaf ${leaf.index} (${leaf.isrc}) does not lead to the ${version === 1n ? 'root' : 'tree root'}`);
    }
  }

  /** The tree root the leaves must lead to (versions 2 and 3: once the header leads to the root). */
  async function treeRootOf(proof, published) {
    if (proof.version === 1n) {
      if (proof.manifest === null && proof.treeRoot === null) return published;
      throw invalid('a version 1 proof carries no manifest header or tree root');
    }
    if (proof.manifest === null || proof.treeRoot === null) {
      throw invalid(`a version ${proof.version} proof needs the manifest header and the tree root`);
    }
    if (proof.version === 3n && proof.manifest.declared_root === null) {
      throw invalid("a version 3 proof's header needs the declared root");
    }
    const treeRoot = parseHash(proof.treeRoot, 'invalid');
    const computed = await publishedRoot(proof.manifest, proof.version, proof.treeSize, treeRoot);
    if (!equal(computed, published)) {
      throw new ProofError(
        'root',
        `the manifest header, tree size and tree root give the root ${toHex(computed)}, not the published ${toHex(published)}`,
      );
    }
    return treeRoot;
  }

  async function check(proof, publishedHex) {
    const published = parseHash(rustTrim(publishedHex), 'root');
    if (!/^[A-Z0-9]{12}$/.test(proof.isrc)) {
      throw invalid(`'${proof.isrc}' is not a canonical ISRC (12 upper-case letters and digits, no hyphens)`);
    }
    const root = await treeRootOf(proof, published);
    const { isrc, version, treeSize } = proof;
    if (proof.result === 'included') {
      if (proof.leaves.length === 0) throw invalid('an inclusion proof needs at least one leaf');
      for (const leaf of proof.leaves) {
        if (leaf.isrc !== isrc) throw invalid(`leaf ${leaf.index} is about ${leaf.isrc}, not ${isrc}`);
        await checkLeaf(leaf, version, treeSize, root);
      }
      return;
    }
    const { before, after } = proof;
    if (treeSize === 0n) {
      if (equal(root, await sha256()) && before === null && after === null) return;
      throw invalid('the root is not that of an empty manifest');
    }
    if (before !== null) {
      await checkLeaf(before, version, treeSize, root);
      if (compare(before.isrc, isrc) >= 0) throw invalid(`the leaf before is ${before.isrc}, not below ${isrc}`);
    }
    if (after !== null) {
      await checkLeaf(after, version, treeSize, root);
      if (compare(after.isrc, isrc) <= 0) throw invalid(`the leaf after is ${after.isrc}, not above ${isrc}`);
    }
    let adjacent = false;
    if (before !== null && after !== null) adjacent = before.index + 1n === after.index;
    else if (after !== null) adjacent = after.index === 0n;
    else if (before !== null) adjacent = before.index + 1n === treeSize;
    if (!adjacent) {
      throw invalid('the bracketing leaves are not adjacent (or not at the ends), so the work could lie between them');
    }
  }

  /** `normalise_isrc`: trimmed, hyphens dropped, ASCII upper-cased; 12 ASCII letters and digits. */
  function normaliseIsrc(work) {
    const compact = rustTrim(work)
      .replace(/-/g, '')
      .replace(/[a-z]/g, (c) => c.toUpperCase());
    if (!/^[A-Z0-9]{12}$/.test(compact)) {
      throw new ProofError('wrong-work', `'${work}' is not an ISRC (12 characters, e.g. GBAYE6900531)`);
    }
    return compact;
  }

  /**
   * Verifies a proof (its JSON text) against a published root (hex), and, unless
   * `expectedIsrc` is empty, that it is about that work (any spelling of its ISRC).
   */
  async function verifyProof(proofJsonText, publishedRootHex, expectedIsrc = '') {
    try {
      const proof = readProof(String(proofJsonText));
      if (proof.format !== PROOF_FORMAT) {
        throw malformed(`format is '${proof.format}', expected '${PROOF_FORMAT}'`);
      }
      if (proof.version < OLDEST_READABLE_PROOF_VERSION || proof.version > PROOF_VERSION) {
        throw new ProofError(
          'version',
          `proof version ${proof.version} is not supported (this checker reads ${OLDEST_READABLE_PROOF_VERSION} to ${PROOF_VERSION}): use a matching fermata`,
        );
      }
      const wanted = expectedIsrc == null ? '' : String(expectedIsrc);
      if (rustTrim(wanted) !== '') {
        const work = normaliseIsrc(wanted);
        if (work !== proof.isrc) {
          throw new ProofError('wrong-work', `the proof does not verify: the proof is about ${proof.isrc}, not ${work}`);
        }
      }
      await check(proof, String(publishedRootHex == null ? '' : publishedRootHex));
      const h = proof.manifest;
      return {
        ok: true,
        result: proof.result,
        isrc: proof.isrc,
        version: Number(proof.version),
        manifest: h && {
          id: h.id,
          developer: h.scan.developer,
          model: h.scan.model,
          use: h.scan.use,
          territory: h.scan.territory,
          created_at: h.created_at,
        },
        leaves: proof.result === 'included' ? proof.leaves.length : (proof.before ? 1 : 0) + (proof.after ? 1 : 0),
      };
    } catch (e) {
      if (e instanceof ProofError) return { ok: false, reason: e.reason, detail: e.message };
      // Anything else (no WebCrypto outside a secure context, say) proves nothing either.
      return { ok: false, reason: 'invalid', detail: `the proof could not be checked: ${e}` };
    }
  }

  // ---------------------------------------------------------------------------------------
  // The page.

  const FALLBACK = {
    included: '{isrc} is in the manifest {manifest} cleared for {developer}, model {model}.',
    'not-included': '{isrc} is not in the manifest {manifest} cleared for {developer}, model {model}.',
    malformed: 'This is not a fermata proof.',
    version: 'This proof was made by a fermata version this page does not read.',
    invalid: 'This proof does not verify.',
    'wrong-work': 'This proof is not about the work {isrc}.',
    root: 'This proof does not lead to the published root.',
    busy: 'Checking…',
  };

  /** The message for `key` from data-msg-KEY, placeholders replaced in one pass. */
  function message(output, key, values) {
    const template = output.getAttribute(`data-msg-${key}`) || FALLBACK[key];
    return template.replace(/\{(isrc|model|developer|manifest)\}/g, (_, name) => values[name] || '');
  }

  function setUp() {
    const form = document.getElementById('proof-form');
    const proofText = document.getElementById('proof-text');
    const rootInput = document.getElementById('proof-root');
    const output = document.getElementById('proof-result');
    if (!form || !proofText || !rootInput || !output) return;
    const fileInput = document.getElementById('proof-file');
    const workInput = document.getElementById('proof-work');
    let latest = 0;

    if (fileInput) {
      fileInput.addEventListener('change', async () => {
        const file = fileInput.files && fileInput.files[0];
        if (!file) return;
        try {
          proofText.value = await file.text();
        } catch (e) {
          proofText.value = '';
        }
      });
    }

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      latest += 1;
      const run = latest;
      const work = workInput ? workInput.value : '';
      output.removeAttribute('data-outcome');
      output.removeAttribute('data-reason');
      output.removeAttribute('data-detail');
      output.classList.remove('ok', 'bad');
      output.setAttribute('aria-busy', 'true');
      output.textContent = message(output, 'busy', {});
      const result = await verifyProof(proofText.value, rootInput.value, work);
      if (run !== latest) return; // a later submission owns the output
      output.removeAttribute('aria-busy');
      if (result.ok) {
        const m = result.manifest || {};
        output.textContent = message(output, result.result, {
          isrc: result.isrc,
          model: m.model,
          developer: m.developer,
          manifest: m.id,
        });
        output.setAttribute('data-reason', result.result);
      } else {
        output.textContent = message(output, result.reason, { isrc: rustTrim(work) });
        output.setAttribute('data-reason', result.reason);
        output.setAttribute('data-detail', result.detail);
      }
      output.setAttribute('data-outcome', result.ok ? 'valid' : 'invalid');
      output.classList.add(result.ok ? 'ok' : 'bad');
    });
  }

  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
    else setUp();
  }

  if (typeof module !== 'undefined') module.exports = { verifyProof };
})();
