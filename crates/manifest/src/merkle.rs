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
    }
}
