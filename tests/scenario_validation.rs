//! Scenario files are validated at the boundary: each bad input gives one error naming the file
//! and the field (library entry point `scenario::parse`).

use secp_tuning::net::{BitsPerSec, SimDuration};
use secp_tuning::scenario::{Mode, parse};

const GOOD: &str = r#"
name = "t"
seed = 3
methods = ["fot", "secp_tuning"]

[model]
preset = "tiny"

[[networks]]
preset = "lan"

[[networks]]
name = "slow"
bandwidth_mbps = 10
one_way_latency_ms = 50

[device]
name = "zero"
"#;

fn err(text: &str) -> String {
    parse(text, "bad.toml").unwrap_err().to_string()
}

#[test]
fn a_good_scenario_loads_with_its_networks() {
    let l = parse(GOOD, "good.toml").unwrap();
    assert_eq!(l.scenario.mode, Mode::Cost);
    assert_eq!(l.networks.len(), 2);
    assert_eq!(l.networks[0].name, "lan");
    assert_eq!(l.networks[0].bandwidth, BitsPerSec(3_000_000_000));
    assert_eq!(l.networks[0].latency, SimDuration(800_000));
    assert_eq!(l.networks[1].bandwidth, BitsPerSec(10_000_000));
    assert_eq!(l.networks[1].latency, SimDuration(50_000_000));
    assert_eq!(l.hash.len(), 16);
    // The hash is of the file's bytes: any edit changes it.
    let l2 = parse(&format!("{GOOD}\n# comment\n"), "good.toml").unwrap();
    assert_ne!(l.hash, l2.hash);
}

#[test]
fn unknown_field_is_named() {
    let e = err(&GOOD.replace("seed = 3", "seed = 3\nseeed = 4"));
    assert!(
        e.contains("bad.toml") && e.contains("seeed") && e.contains("unknown field"),
        "{e}"
    );
    let e = err(&GOOD.replace("preset = \"tiny\"", "preset = \"tiny\"\nlayerz = 2"));
    assert!(e.contains("layerz"), "{e}");
}

#[test]
fn wrong_type_is_named() {
    let e = err(&GOOD.replace("bandwidth_mbps = 10", "bandwidth_mbps = \"fast\""));
    assert!(
        e.contains("bad.toml") && e.contains("bandwidth_mbps") && e.contains("invalid type"),
        "{e}"
    );
    let e = err(&GOOD.replace("seed = 3", "seed = \"three\""));
    assert!(e.contains("seed"), "{e}");
}

#[test]
fn zero_or_negative_bandwidth_is_refused() {
    for bad in ["0", "-100", "0.0"] {
        let e = err(&GOOD.replace("bandwidth_mbps = 10", &format!("bandwidth_mbps = {bad}")));
        assert!(
            e.contains("networks[1].bandwidth_mbps") && e.contains("positive"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn negative_latency_is_refused() {
    let e = err(&GOOD.replace("one_way_latency_ms = 50", "one_way_latency_ms = -1"));
    assert!(e.contains("networks[1].one_way_latency_ms"), "{e}");
}

#[test]
fn unknown_network_preset_is_refused() {
    let e = err(&GOOD.replace("preset = \"lan\"", "preset = \"moon\""));
    assert!(
        e.contains("networks[0].preset") && e.contains("moon") && e.contains("wan-100mbps-80ms"),
        "{e}"
    );
}

#[test]
fn heads_not_dividing_hidden_is_refused() {
    let e = err(&GOOD.replace(
        "preset = \"tiny\"",
        "preset = \"tiny\"\nhidden = 16\nheads = 3",
    ));
    assert!(e.contains("model.heads") && e.contains("divide"), "{e}");
}

#[test]
fn structural_mistakes_are_named() {
    let e = err(&GOOD.replace("methods = [\"fot\", \"secp_tuning\"]", "methods = []"));
    assert!(e.contains("`methods`"), "{e}");
    let e = err(&GOOD.replace(
        "methods = [\"fot\", \"secp_tuning\"]",
        "methods = [\"fot\", \"fot\"]",
    ));
    assert!(e.contains("twice"), "{e}");
    let e = err(&GOOD.replace("name = \"t\"", "name = \"../escape\""));
    assert!(e.contains("`name`"), "{e}");
    let e = err(&GOOD.replace("name = \"slow\"", "name = \"lan\""));
    assert!(e.contains("appears twice"), "{e}");
    let e = err(&format!(
        "{GOOD}\n[sweep]\nbandwidth_mbps = [0]\none_way_latency_ms = [1]\nreference = \"fot\"\ntarget = \"secp_tuning\"\n"
    ));
    assert!(e.contains("sweep.bandwidth_mbps[0]"), "{e}");
    let e = err(&GOOD.replace(
        "name = \"zero\"",
        "name = \"zero\"\ncalibrated_on = [\"fot@lan\"]",
    ));
    assert!(e.contains("compare_with_paper"), "{e}");
}

#[test]
fn shipped_scenarios_load() {
    for f in ["paper-lan", "paper-wan", "sweep", "seqlen", "tiny-exec"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{f}.toml"));
        let l = secp_tuning::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(l.scenario.name, f);
    }
}
