//! Version 3 proofs are sound from the proof alone: whatever order a builder put the leaves in,
//! no work gets both a verifying inclusion proof and a verifying non-inclusion proof under one
//! root. Version 2 proofs were not (the unsorted-tree attack below verifies there).

mod support;

use fermata_manifest::{Entry, Manifest, WorkProof};
use proptest::prelude::*;
use support::{HandBuilt, entry, lying_range_attack, unsorted_attack};

#[test]
fn an_unsorted_tree_cannot_hide_a_work_in_version_3() {
    // Version 2 could not tell: the forged proof verifies.
    let (v2, forged) = unsorted_attack(2);
    forged.verify(&v2.root).unwrap();
    // Version 3 refuses it: the nodes above the bracketing leaves are out of order.
    let (v3, forged) = unsorted_attack(3);
    let err = forged.verify(&v3.root).unwrap_err().to_string();
    assert!(err.contains("out of order"), "{err}");
    assert!(
        WorkProof::from_json(&forged.to_json())
            .unwrap()
            .verify(&v3.root)
            .is_err()
    );
    // Lying about a sibling's range to pass the order check changes the root.
    let (v3, lying) = lying_range_attack();
    let err = lying.verify(&v3.root).unwrap_err().to_string();
    assert!(err.contains("does not lead to the tree root"), "{err}");
}

/// Every proof the tree could give about `work`: each leaf of it alone as an inclusion proof,
/// and every adjacent pair (and either end) as a non-inclusion one. Whether any of each verifies.
fn provable(tree: &HandBuilt, work: &str) -> (bool, bool) {
    let n = tree.entries.len();
    let included = (0..n).any(|i| tree.included(work, &[i]).verify(&tree.root).is_ok());
    let mut brackets: Vec<(Option<usize>, Option<usize>)> =
        (1..n).map(|i| (Some(i - 1), Some(i))).collect();
    brackets.push((None, None));
    if let Some(last) = n.checked_sub(1) {
        brackets.extend([(None, Some(0)), (Some(last), None)]);
    }
    let absent = brackets
        .into_iter()
        .any(|(b, a)| tree.not_included(work, b, a).verify(&tree.root).is_ok());
    (included, absent)
}

fn isrcs() -> impl Strategy<Value = Vec<String>> {
    // Few letters and digits, so that works collide (several files of one work) and absent
    // works fall between present ones.
    proptest::collection::vec("[AB][0-2]{2}", 0..14)
        .prop_map(|v| v.into_iter().map(|s| format!("GBAAA2600{s}")).collect())
}

fn entry_of(isrc: &str, file: usize) -> Entry {
    Entry {
        isrc: isrc.into(),
        path: format!("file-{file}.wav"),
        ..entry(1)
    }
}

proptest! {
    #[test]
    fn every_present_work_proves_present_every_absent_one_absent_never_both(
        present in isrcs(),
        probes in isrcs(),
    ) {
        let entries: Vec<Entry> = present.iter().enumerate().map(|(i, s)| entry_of(s, i)).collect();
        let h = support::header();
        let m = Manifest::build(&h.id, &h.created_at, h.scan, entries);
        let sorted = HandBuilt::new(3, m.entries.clone());
        prop_assert_eq!(&sorted.root, &m.merkle.root);
        for work in present.iter().chain(&probes) {
            let proof = WorkProof::from_json(&m.prove(work).unwrap().to_json()).unwrap();
            prop_assert_eq!(proof.is_inclusion(), present.contains(work));
            prop_assert!(proof.verify_for(work, &m.merkle.root).is_ok());
            let (included, absent) = provable(&sorted, work);
            prop_assert_eq!((included, absent), (present.contains(work), !present.contains(work)));
        }
    }

    #[test]
    fn whatever_the_leaf_order_no_work_proves_both_present_and_absent(
        present in isrcs(),
        probes in isrcs(),
        order in any::<proptest::sample::Index>(),
        swaps in proptest::collection::vec((any::<proptest::sample::Index>(), any::<proptest::sample::Index>()), 0..6),
    ) {
        let mut entries: Vec<Entry> = present.iter().enumerate().map(|(i, s)| entry_of(s, i)).collect();
        if !entries.is_empty() {
            let n = entries.len();
            entries.rotate_left(order.index(n));
            for (a, b) in swaps {
                entries.swap(a.index(n), b.index(n));
            }
        }
        let tree = HandBuilt::new(3, entries);
        for work in present.iter().chain(&probes) {
            let (included, absent) = provable(&tree, work);
            prop_assert!(!(included && absent), "{} proves both present and absent", work);
        }
    }
}
