//! Any bytes, read as a manifest or a proof, must parse or give an error; a proof that parses
//! may verify or not against any root, but must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = fermata_manifest::Manifest::from_json(text) {
        // A manifest that reads back is self-consistent: every work gets a proof that verifies.
        for e in m.entries.iter().take(4) {
            let proof = m.prove(&e.isrc).expect("an entry's ISRC can be proved");
            assert!(proof.verify(&m.merkle.root).is_ok());
        }
    }
    if let Ok(p) = fermata_manifest::WorkProof::from_json(text) {
        let _ = p.verify(&"00".repeat(32));
        let _ = p.verify_tree_head("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0);
    }
});
