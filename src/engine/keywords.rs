//! The keyword automata of stage one, built for a subset of the rules: a log file, where
//! no path-scoped rule (log-configuration checks) applies, is searched for the keywords of
//! the other rules only, with a smaller and faster automaton.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::error::Error;
use crate::rules::{Rule, RuleSet};

pub struct Keywords {
    /// Finds the first keyword of any rule (non-overlapping, for skipping ahead).
    pub finder: AhoCorasick,
    /// Finds every keyword in a window (overlapping, to select rules).
    pub selector: AhoCorasick,
    /// Per keyword: the rules that own it (indices into the rule set).
    pub rules: Vec<Vec<u32>>,
    /// Per keyword: a literal that must follow it (when every owning rule asks for one).
    pub gates: Vec<Option<Vec<u8>>>,
    pub max_len: usize,
}

impl Keywords {
    /// The keywords of the rules that `include` keeps.
    pub fn build(rules: &RuleSet, include: impl Fn(&Rule) -> bool) -> Result<Keywords, Error> {
        // Keywords shared by several rules are one pattern owned by all of them.
        let mut keywords: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        for (index, rule) in rules.rules().iter().enumerate() {
            if !include(rule) {
                continue;
            }
            for kw in &rule.spec.keywords {
                let lower = kw.as_bytes().to_ascii_lowercase();
                match keywords.iter().position(|k| *k == lower) {
                    Some(p) => {
                        if !owners[p].contains(&(index as u32)) {
                            owners[p].push(index as u32);
                        }
                    }
                    None => {
                        keywords.push(lower);
                        owners.push(vec![index as u32]);
                    }
                }
            }
        }
        let build = |kind: MatchKind| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(kind)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&keywords)
                .map_err(|e| Error::Engine(format!("keyword automaton: {e}")))
        };
        let gates = owners
            .iter()
            .map(|owned| {
                let gate = |r: &u32| rules.rules()[*r as usize].spec.followed_by.as_deref();
                let first = owned.first().and_then(gate)?;
                owned
                    .iter()
                    .all(|r| gate(r) == Some(first))
                    .then(|| first.as_bytes().to_vec())
            })
            .collect();
        Ok(Keywords {
            finder: build(MatchKind::LeftmostFirst)?,
            selector: build(MatchKind::Standard)?,
            max_len: keywords.iter().map(Vec::len).max().unwrap_or(1),
            rules: owners,
            gates,
        })
    }
}
