//! Proofs over hand-built trees, bypassing `Manifest::build`: what a dishonest builder could
//! publish. Shared by the tests that hold the three verifiers to the same verdicts.
#![allow(dead_code)]

use fermata_manifest::merkle::{RangeNode, RangeTree, Tree, leaf_hash};
use fermata_manifest::{
    Entry, LeafProof, ManifestHeader, PROOF_FORMAT, ProvedLeaf, ScanInfo, Sibling, WorkProof,
    published_root_of,
};

/// A version 2 or 3 tree over entries in the order given (sorted or not), with its published
/// root.
pub struct HandBuilt {
    pub version: u32,
    pub header: ManifestHeader,
    pub entries: Vec<Entry>,
    pub tree_root: String,
    pub root: String,
    paths: Vec<Vec<Sibling>>,
}

pub fn header() -> ManifestHeader {
    ManifestHeader {
        id: "manifest-000666".into(),
        created_at: "2026-06-06T00:00:00Z".into(),
        scan: ScanInfo {
            id: "scan-000666".into(),
            developer: "sly-ai".into(),
            model: "m".into(),
            use_: "train-genai".into(),
            territory: "DE".into(),
            dataset: "/d".into(),
            finished_at: "2026-06-06T00:00:00Z".into(),
        },
        declared_root: None,
    }
}

/// Entry `n`: work GBAAA26000nn in file fn.wav.
pub fn entry(n: u32) -> Entry {
    Entry {
        isrc: format!("GBAAA26{n:05}"),
        title: format!("Song {n}"),
        path: format!("f{n}.wav"),
        sha256: hex::encode([n as u8; 32]),
        clearance: vec!["lic-000001".into()],
        holders: vec!["label-a".into()],
    }
}

impl HandBuilt {
    pub fn new(version: u32, entries: Vec<Entry>) -> HandBuilt {
        let (size, tree_root, paths) = if version == 3 {
            let tree = RangeTree::new(
                entries
                    .iter()
                    .map(|e| RangeNode::leaf(leaf_hash(&e.leaf_data()), &e.isrc))
                    .collect(),
            );
            let paths = (0..entries.len())
                .map(|i| tree.path(i).into_iter().map(Sibling::from).collect())
                .collect();
            (tree.size(), tree.root(), paths)
        } else {
            let tree = Tree::new(entries.iter().map(|e| leaf_hash(&e.leaf_data())).collect());
            let paths = (0..entries.len())
                .map(|i| {
                    let path = tree.path(i);
                    path.iter().map(|h| Sibling::Hash(hex::encode(h))).collect()
                })
                .collect();
            (tree.size(), tree.root(), paths)
        };
        let header = ManifestHeader {
            declared_root: (version >= 3).then(|| fermata_manifest::declared_root(&[])),
            ..header()
        };
        let root = hex::encode(published_root_of(version, &header, size, &tree_root));
        HandBuilt {
            version,
            header,
            entries,
            tree_root: hex::encode(tree_root),
            root,
            paths,
        }
    }

    /// Leaf `i` with its path.
    pub fn leaf(&self, i: usize) -> LeafProof {
        LeafProof {
            leaf_index: i as u64,
            leaf: ProvedLeaf::Entry {
                entry: self.entries[i].clone(),
            },
            path: self.paths[i].clone(),
        }
    }

    /// A proof that `isrc` is in the tree, by the leaves `at`.
    pub fn included(&self, isrc: &str, at: &[usize]) -> WorkProof {
        WorkProof::Included {
            format: PROOF_FORMAT.into(),
            version: self.version,
            isrc: isrc.into(),
            root: self.root.clone(),
            tree_size: self.entries.len() as u64,
            manifest: Some(self.header.clone()),
            tree_root: Some(self.tree_root.clone()),
            leaves: at.iter().map(|&i| self.leaf(i)).collect(),
        }
    }

    /// A proof that `isrc` is not in the tree, bracketed by the leaves `before` and `after`.
    pub fn not_included(
        &self,
        isrc: &str,
        before: Option<usize>,
        after: Option<usize>,
    ) -> WorkProof {
        WorkProof::NotIncluded {
            format: PROOF_FORMAT.into(),
            version: self.version,
            isrc: isrc.into(),
            root: self.root.clone(),
            tree_size: self.entries.len() as u64,
            manifest: Some(self.header.clone()),
            tree_root: Some(self.tree_root.clone()),
            before: before.map(|i| Box::new(self.leaf(i))),
            after: after.map(|i| Box::new(self.leaf(i))),
        }
    }
}

/// The attack of issue 14: works 1, 3, 2, 4 in that (unsorted) order, and a proof that work 2,
/// which is at leaf 2, is absent because leaves 0 and 1 (works 1 and 3) are adjacent and
/// bracket it. Returns the tree and the forged proof.
pub fn unsorted_attack(version: u32) -> (HandBuilt, WorkProof) {
    let tree = HandBuilt::new(version, [1, 3, 2, 4].map(entry).into());
    let forged = tree.not_included(&entry(2).isrc, Some(0), Some(1));
    (tree, forged)
}

/// The forged version 3 proof of [`unsorted_attack`] made to pass the order check by lying
/// about the range of both leaves' second sibling (works 2 and 4, said to be 4 and 4).
pub fn lying_range_attack() -> (HandBuilt, WorkProof) {
    let (tree, mut forged) = unsorted_attack(3);
    if let WorkProof::NotIncluded {
        before: Some(b),
        after: Some(a),
        ..
    } = &mut forged
    {
        for leaf in [b, a] {
            if let Sibling::Ranged { min, .. } = &mut leaf.path[1] {
                *min = entry(4).isrc;
            }
        }
    }
    (tree, forged)
}
