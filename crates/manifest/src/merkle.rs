//! A Merkle tree in the shape of RFC 9162 (Certificate Transparency 2.0) §2.1, with SHA-256:
//!
//! ```text
//! leaf hash = SHA-256(0x00 || leaf data)
//! node hash = SHA-256(0x01 || left || right)
//! empty tree = SHA-256("")
//! ```
//!
//! The tree over n leaves splits at the largest power of two smaller than n. Built bottom-up,
//! that is: pair neighbours level by level and carry an unpaired last node up unchanged. An
//! inclusion proof is the RFC's audit path, checked with its §2.1.3.2 algorithm.
//!
//! [`RangeTree`] is the same shape with every node also committing to the key ranges of its two
//! children (format version 3), so that a path checks the leaves' order as well as their hashes:
//!
//! ```text
//! range node = SHA-256(0x04 || left || right || str(left.min) || str(left.max)
//!                                             || str(right.min) || str(right.max))
//! valid only when left.min <= left.max <= right.min <= right.max (byte order)
//! ```

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Every level of the tree, leaves first, root last.
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// Builds the tree over leaf hashes, in order.
    pub fn new(leaves: Vec<Hash>) -> Tree {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let above: Vec<Hash> = below
                .chunks(2)
                .map(|pair| {
                    if pair.len() == 2 {
                        node_hash(&pair[0], &pair[1])
                    } else {
                        pair[0]
                    }
                })
                .collect();
            levels.push(above);
        }
        Tree { levels }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// The root hash.
    pub fn root(&self) -> Hash {
        match self.levels.last() {
            Some(top) if top.len() == 1 => top[0],
            _ => empty_root(),
        }
    }

    /// The audit path of leaf `index`: sibling hashes from the leaf up.
    pub fn path(&self, index: usize) -> Vec<Hash> {
        let mut path = Vec::new();
        let mut i = index;
        for level in &self.levels[..self.levels.len().saturating_sub(1)] {
            let sibling = i ^ 1;
            if sibling < level.len() {
                path.push(level[sibling]);
            }
            i /= 2;
        }
        path
    }
}

/// Recomputes the root from a leaf hash, its index, the tree size and its audit path
/// (RFC 9162 §2.1.3.2). None when the path does not fit a tree of that size.
pub fn root_from_path(leaf_index: u64, tree_size: u64, leaf: Hash, path: &[Hash]) -> Option<Hash> {
    if leaf_index >= tree_size {
        return None;
    }
    let (mut fn_, mut sn) = (leaf_index, tree_size - 1);
    let mut r = leaf;
    for p in path {
        if sn == 0 {
            return None;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (sn == 0).then_some(r)
}

/// A node of a [`RangeTree`] or a sibling on its audit path: its hash and the smallest and
/// largest key of the leaves under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeNode {
    /// Its hash.
    pub hash: Hash,
    /// The smallest key under it (a leaf's key is its own).
    pub min: String,
    /// The largest key under it.
    pub max: String,
}

impl RangeNode {
    /// A leaf: its hash, and its key as both ends.
    pub fn leaf(hash: Hash, key: &str) -> RangeNode {
        RangeNode {
            hash,
            min: key.into(),
            max: key.into(),
        }
    }

    /// The parent of `left` and `right`, or None when their ranges are out of order (the check
    /// is `left.min <= left.max <= right.min <= right.max`, byte order).
    pub fn parent(left: &RangeNode, right: &RangeNode) -> Option<RangeNode> {
        let ordered = left.min <= left.max && left.max <= right.min && right.min <= right.max;
        ordered.then(|| RangeNode {
            hash: range_node_hash(left, right),
            min: left.min.clone(),
            max: right.max.clone(),
        })
    }
}

fn put_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// SHA-256(0x04 || left || right || str(left.min) || str(left.max) || str(right.min) ||
/// str(right.max)), with str(s) = 8-byte big-endian length || UTF-8 bytes. Does not check the
/// order: see [`RangeNode::parent`].
pub fn range_node_hash(left: &RangeNode, right: &RangeNode) -> Hash {
    let mut h = Sha256::new();
    h.update([4u8]);
    h.update(left.hash);
    h.update(right.hash);
    for key in [&left.min, &left.max, &right.min, &right.max] {
        put_str(&mut h, key);
    }
    h.finalize().into()
}

/// The tree of format version 3: RFC 9162's shape, each node committing to its children's key
/// ranges. Built over leaves in any order (so tests can build an unsorted one); a node whose
/// children are out of order gets the hash all the same, but no path through it verifies.
pub struct RangeTree {
    levels: Vec<Vec<RangeNode>>,
}

impl RangeTree {
    /// Builds the tree over leaves (see [`RangeNode::leaf`]), in the order given.
    pub fn new(leaves: Vec<RangeNode>) -> RangeTree {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let above: Vec<RangeNode> = below
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => RangeNode {
                        hash: range_node_hash(left, right),
                        min: left.min.clone(),
                        max: right.max.clone(),
                    },
                    _ => pair[0].clone(),
                })
                .collect();
            levels.push(above);
        }
        RangeTree { levels }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// The root hash (SHA-256 of nothing when empty).
    pub fn root(&self) -> Hash {
        match self.levels.last() {
            Some(top) if top.len() == 1 => top[0].hash,
            _ => empty_root(),
        }
    }

    /// The audit path of leaf `index`: the sibling nodes, with their ranges, from the leaf up.
    pub fn path(&self, index: usize) -> Vec<RangeNode> {
        let mut path = Vec::new();
        let mut i = index;
        for level in &self.levels[..self.levels.len().saturating_sub(1)] {
            if let Some(sibling) = level.get(i ^ 1) {
                path.push(sibling.clone());
            }
            i /= 2;
        }
        path
    }
}

/// Why a version 3 audit path does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangePathError {
    /// The path does not fit a tree of that size at that index.
    Shape,
    /// Some node's children are out of key order.
    Order,
}

/// Recomputes the root node (hash and range) from a leaf, its index, the tree size and its
/// version 3 audit path: the RFC 9162 §2.1.3.2 walk, checking the key order at every node.
pub fn range_root_from_path(
    leaf_index: u64,
    tree_size: u64,
    leaf: RangeNode,
    path: &[RangeNode],
) -> Result<RangeNode, RangePathError> {
    if leaf_index >= tree_size {
        return Err(RangePathError::Shape);
    }
    let (mut fn_, mut sn) = (leaf_index, tree_size - 1);
    let mut r = leaf;
    for p in path {
        if sn == 0 {
            return Err(RangePathError::Shape);
        }
        let parent = if fn_ & 1 == 1 || fn_ == sn {
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
            RangeNode::parent(p, &r)
        } else {
            RangeNode::parent(&r, p)
        };
        r = parent.ok_or(RangePathError::Order)?;
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn == 0 {
        Ok(r)
    } else {
        Err(RangePathError::Shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 9162's recursive definition, to check the bottom-up build against.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn empty_tree_root_is_the_hash_of_nothing() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(Tree::new(vec![]).root(), empty_root());
    }

    proptest! {
        #[test]
        fn every_leaf_proves_and_no_other_position_does(n in 1usize..80, pick in 0usize..80) {
            let l = leaves(n);
            let tree = Tree::new(l.clone());
            prop_assert_eq!(tree.root(), mth(&l));
            let i = pick % n;
            let path = tree.path(i);
            prop_assert_eq!(root_from_path(i as u64, n as u64, l[i], &path), Some(tree.root()));
            // The same path does not prove the leaf at another index. (It may fit another tree
            // size, which is why the published commitment is the pair (tree size, root), as in a
            // Certificate Transparency tree head.)
            if n > 1 {
                let other = (i + 1) % n;
                prop_assert_ne!(root_from_path(other as u64, n as u64, l[i], &path), Some(tree.root()));
            }
        }

        #[test]
        fn a_range_tree_proves_every_leaf_of_sorted_keys_and_no_unsorted_pair(
            mut keys in proptest::collection::vec(0u32..50, 1..40),
            pick in 0usize..40,
        ) {
            let node = |k: &u32| RangeNode::leaf(leaf_hash(&k.to_be_bytes()), &format!("K{k:03}"));
            let shuffled = RangeTree::new(keys.iter().map(node).collect());
            keys.sort();
            let tree = RangeTree::new(keys.iter().map(node).collect());
            let n = keys.len();
            let i = pick % n;
            let top = range_root_from_path(i as u64, n as u64, node(&keys[i]), &tree.path(i));
            prop_assert_eq!(top.map(|t| (t.hash, t.min, t.max)),
                Ok((tree.root(), format!("K{:03}", keys[0]), format!("K{:03}", keys[n - 1]))));
            // In the unsorted tree, a leaf below a node whose children are out of order has no
            // path that verifies.
            for j in 0..n {
                let leaf = shuffled.levels[0][j].clone();
                let top = range_root_from_path(j as u64, n as u64, leaf, &shuffled.path(j));
                if let Ok(t) = top {
                    prop_assert_eq!(t.hash, shuffled.root());
                } else {
                    prop_assert_eq!(top.err(), Some(RangePathError::Order));
                }
            }
        }
    }
}
