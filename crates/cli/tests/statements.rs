//! End-to-end: the marketplace pays as agreed. Offers with a per-hour price and a pool share
//! under equal split, a request approved by a holder and by an auto-accept offer, usage
//! reported, a statement issued and exported as CSV, JSON and a DDEX DSR flat file by the real
//! binary, the numbers checked in each; then a licence renewed.

mod common;

use common::env::*;
use common::*;
use serde_json::Value;

fn total(statement: &Value, holder: &str) -> (i64, i64) {
    let t = statement["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["holder"] == holder)
        .unwrap_or_else(|| panic!("no total for {holder}: {statement}"));
    (
        t["amount_minor"].as_i64().unwrap(),
        t["fees_minor"].as_i64().unwrap(),
    )
}

#[test]
fn a_per_hour_offer_and_an_equal_split_pool_share_are_paid_and_exported() {
    let (env, _) = registered(0);
    let (w1, w5, w6) = (isrc(1), isrc(5), isrc(6));
    // label-a: 40.00 EUR an hour for works 1 and 5 (5 is 60/40 with pub-b), decided by a person.
    let offer = env.json(&[
        "offer",
        "publish",
        "--holder",
        "label-a",
        "--work",
        &w1,
        "--work",
        &w5,
        "--use",
        "train-genai",
        "--price",
        "per-hour:40.00:EUR",
    ]);
    assert_eq!(offer["remuneration"], "pro-rata", "{offer}");
    // pub-b: a share of the pool, split equally between the works used, approved at once.
    let pool_offer = env.json(&[
        "offer",
        "publish",
        "--holder",
        "pub-b",
        "--work",
        &w5,
        "--work",
        &w6,
        "--use",
        "train-genai",
        "--price",
        "pool-share:0:EUR",
        "--remuneration",
        "equal-split",
        "--auto-accept",
    ]);
    assert_eq!(pool_offer["remuneration"], "equal-split", "{pool_offer}");
    let listed = env.ok(&["offer", "list", "--holder", "pub-b"]);
    assert!(
        stdout(&listed).contains("equal-split"),
        "{}",
        stdout(&listed)
    );
    let bad = env.run(&[
        "offer",
        "publish",
        "--holder",
        "pub-b",
        "--use",
        "train-genai",
        "--price",
        "pool-share:0:EUR",
        "--remuneration",
        "lottery",
    ]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("pro-rata"), "{}", stderr(&bad));

    // The licences run through 2030 (dates ahead of any test machine's clock).
    let request = env.json(&[
        "request",
        "create",
        "--developer",
        "dev-x",
        "--use",
        "train-genai",
        "--model",
        "m",
        "--from",
        "2030-01-01",
        "--to",
        "2030-12-31",
        "--work",
        &w1,
        "--work",
        &w5,
        "--work",
        &w6,
    ]);
    let req = request["id"].as_str().unwrap().to_string();
    let status = |holder: &str, r: &Value| -> Vec<String> {
        r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["holder"] == holder)
            .map(|l| l["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        status("pub-b", &request),
        ["approved", "approved"],
        "{request}"
    );
    assert_eq!(
        status("label-a", &request),
        ["pending", "pending"],
        "{request}"
    );
    let decided = env.json(&["decide", &req, "--all", "--holder", "label-a", "--approve"]);
    assert_eq!(
        status("label-a", &decided),
        ["approved", "approved"],
        "{decided}"
    );

    // 1.5 h of work 1, 1000 s of work 5, 2000 s of work 6.
    env.ok(&[
        "usage",
        "report",
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--run",
        "run-1",
        "--territory",
        "DE",
        "--use",
        "train-genai",
        "--date",
        "2030-06-01",
        "--work",
        &format!("{w1}=5400"),
        "--work",
        &format!("{w5}=1000"),
        "--work",
        &format!("{w6}=2000"),
    ]);
    let s = env.json(&[
        "statement",
        "issue",
        "--developer",
        "dev-x",
        "--from",
        "2030-01-01",
        "--to",
        "2030-12-31",
        "--pool",
        "100.00:EUR",
    ]);
    let id = s["id"].as_str().unwrap().to_string();
    // label-a: 60.00 for work 1; 40.00 × 1000/3600 × 60 % = 6.666… → 6.67 for work 5.
    // pub-b: the pool, equally per work then by shares: 40 % : 100 % → 28.57 and 71.43.
    assert_eq!(total(&s, "label-a"), (6667, 6667), "{s}");
    assert_eq!(total(&s, "pub-b"), (10_000, 0), "{s}");
    let fees: Vec<(String, i64)> = s["fees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["isrc"].as_str().unwrap().to_string(),
                f["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(fees, vec![(w1.clone(), 6000), (w5.clone(), 667)], "{s}");
    for f in s["fees"].as_array().unwrap() {
        assert_eq!(f["offer"], offer["id"], "{f}");
        assert!(f["licence"].as_str().unwrap().starts_with("lic-"), "{f}");
        assert_eq!(f["reports"], serde_json::json!(["use-000001"]), "{f}");
    }
    let pool: Vec<(String, i64, String)> = s["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["isrc"].as_str().unwrap().to_string(),
                l["amount_minor"].as_i64().unwrap(),
                l["model"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        pool,
        vec![
            (w5.clone(), 2857, "equal-split".into()),
            (w6.clone(), 7143, "equal-split".into())
        ],
        "{s}"
    );
    let shown = env.ok(&["statement", "show", &id]);
    let text = stdout(&shown);
    assert!(
        text.contains("66.67 EUR") && text.contains("per-hour"),
        "{text}"
    );
    assert!(text.contains("identical"), "{text}");

    // Exports: CSV, JSON and DSR carry the same numbers.
    let csv = env.path("s.csv");
    env.ok(&[
        "statement",
        "show",
        &id,
        "--format",
        "csv",
        "--out",
        path_str(&csv),
    ]);
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(
        csv.starts_with(
            "statement,holder,isrc,milliseconds,basis_points,amount_minor,currency,kind"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "{id},label-a,{w5},1000000,6000,667,EUR,per-hour,,"
        )),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "{id},pub-b,{w6},2000000,10000,7143,EUR,pool,equal-split,"
        )),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{id},label-a,TOTAL,,,6667,EUR,total")),
        "{csv}"
    );
    let json_out = env.path("s.json");
    env.ok(&[
        "statement",
        "show",
        &id,
        "--format",
        "json",
        "--out",
        path_str(&json_out),
    ]);
    let exported: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    assert_eq!(exported, s);
    let dsr = env.path("s.tsv");
    env.ok(&[
        "statement",
        "show",
        &id,
        "--format",
        "dsr",
        "--out",
        path_str(&dsr),
    ]);
    let dsr = std::fs::read_to_string(&dsr).unwrap();
    let rows: Vec<Vec<&str>> = dsr.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows[0][..3],
        ["HEAD", "dsrf/1.1.2/1.6/1.0", "BasicAudioProfile"],
        "{dsr}"
    );
    assert_eq!(rows[0][4], id);
    let foot = rows.last().unwrap();
    assert_eq!(foot[0], "FOOT");
    assert_eq!(foot[1], rows.len().to_string(), "{dsr}");
    assert_eq!(foot[4], "4", "one block per (holder, work): {dsr}");
    let sales: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[0] == "SU01.03")
        .map(|r| (r[7], r[8], r[12]))
        .collect();
    assert_eq!(
        sales,
        vec![
            ("label-a", "per-hour", "60.00"),
            ("label-a", "per-hour", "6.67"),
            ("pub-b", "pool", "28.57"),
            ("pub-b", "pool", "71.43")
        ],
        "{dsr}"
    );
    assert!(
        rows.iter()
            .any(|r| r[0] == "AS02.04" && r[4] == w1 && r[5] == "Song 1"),
        "{dsr}"
    );
    let summary = rows.iter().find(|r| r[0] == "SY01.03").unwrap();
    assert_eq!(summary[9], "166.67", "{dsr}");
    let bad = env.run(&[
        "statement",
        "show",
        &id,
        "--format",
        "xml",
        "--out",
        path_str(&env.path("x")),
    ]);
    assert!(!bad.status.success());
    // A holder's export is its own part only.
    let listed = env.json(&["statement", "list", "--party", "pub-b"]);
    assert!(listed[0]["fees"].as_array().unwrap().is_empty(), "{listed}");

    // Attribution: a generated output that is work 6's recording is found as such, and an
    // attribution report records the milliseconds found; an unreadable output records nothing.
    let output = env.path("audio").join(format!("{w6}.wav"));
    let att = env.json(&[
        "output",
        "attribute",
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--date",
        "2030-06-15",
        path_str(&output),
    ]);
    assert_eq!(att["id"], "att-000001", "{att}");
    let found = &att["outputs"][0]["found"];
    assert_eq!(found[0]["isrc"], w6.as_str(), "{att}");
    let ms = found[0]["milliseconds"].as_u64().unwrap();
    assert!((30_000..=40_000).contains(&ms), "{att}");
    assert_eq!(found[0]["shares"][0]["holder"], "pub-b", "{att}");
    let junk = env.path("junk.wav");
    std::fs::write(&junk, b"not audio").unwrap();
    let bad = env.run(&[
        "output",
        "attribute",
        "--developer",
        "dev-x",
        "--model",
        "m",
        path_str(&junk),
    ]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("nothing was recorded"),
        "{}",
        stderr(&bad)
    );
    let table = env.ok(&[
        "output",
        "attribute",
        "--developer",
        "dev-x",
        "--model",
        "m",
        "--date",
        "2030-06-16",
        path_str(&output),
    ]);
    assert!(
        stdout(&table).contains("att-000002") && stdout(&table).contains(&w6),
        "{}",
        stdout(&table)
    );

    // Renewal: the same works, use and territories for the next year, through the request path.
    let lic = s["fees"][0]["licence"].as_str().unwrap().to_string();
    let renewal = env.json(&["licence", "renew", &lic]);
    assert_eq!(renewal["valid_from"], "2031-01-01", "{renewal}");
    assert_eq!(renewal["valid_to"], "2031-12-31", "{renewal}");
    assert_eq!(renewal["model"], "m");
    assert_eq!(status("label-a", &renewal), ["pending"], "{renewal}");
    let missing = env.run(&["licence", "renew", "lic-999999"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("lic-999999"),
        "{}",
        stderr(&missing)
    );
    // Everything is still in one unbroken audit chain.
    env.ok(&["audit", "verify"]);
}
