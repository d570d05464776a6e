//! `priorities --sensitivity`: how the top of the list changes with the
//! phase threshold.

use super::PriorityArgs;
use super::plan::{filter, method};
use crate::i18n::Lang;
use crate::priority::{Project, RankMethod};
use crate::report::priorities::project_label;
use crate::store::priorities::PriorityInput;
use crate::store::{Store, StoreError};
use crate::tr;

/// How the top 20 (with the same filters) changes when a phase needs 15%
/// or 25% of households instead of 20%: the projects that enter and leave.
pub(super) fn text(store: &Store, args: &PriorityArgs, lang: Lang) -> Result<String, StoreError> {
    const TOP: usize = 20;
    let round = store.round_or_ranked(args.round.as_deref())?;
    let top = |share: f64| -> Result<(PriorityInput, Vec<Project>), StoreError> {
        let method = RankMethod {
            phase_share: share,
            ..method(args)
        };
        let (input, all) = store.priorities_by(
            round.as_ref(),
            (args.include_drafts, args.by.into()),
            &method,
        )?;
        let projects = filter(args).top(TOP).apply(all, &input.rules);
        Ok((input, projects))
    };
    let key = |input: &PriorityInput, p: &Project| {
        let rule = &input.rules[p.rule];
        let place = [
            p.area.township.as_str(),
            p.area.village.as_str(),
            p.area.group.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        format!("{place} {}", project_label(rule, lang))
    };
    let (input, base) = top(crate::priority::PHASE_SHARE)?;
    let base: Vec<String> = base.iter().map(|p| key(&input, p)).collect();
    let mut out = format!(
        "{}\n",
        tr!(
            "敏感性:阶段阈值(一个村多少户达到才算该阶段)改变时,前 {TOP} 名的变化",
            "sensitivity: how the top {TOP} changes with the phase threshold (the share of a village's households a phase needs)"
        )
        .get(lang)
    );
    for share in [0.15, 0.25] {
        let (input, other) = top(share)?;
        let other: Vec<String> = other.iter().map(|p| key(&input, p)).collect();
        let entered: Vec<&str> = other
            .iter()
            .filter(|k| !base.contains(k))
            .map(String::as_str)
            .collect();
        let left: Vec<&str> = base
            .iter()
            .filter(|k| !other.contains(k))
            .map(String::as_str)
            .collect();
        let percent = share * 100.0;
        let line = if entered.is_empty() && left.is_empty() {
            tr!("  {percent:.0}%:没有变化", "  {percent:.0}%: no change")
        } else {
            let (e, l) = (entered.join("; "), left.join("; "));
            let (ne, nl) = (entered.len(), left.len());
            tr!(
                "  {percent:.0}%:新进入 {ne} 个({e});退出 {nl} 个({l})",
                "  {percent:.0}%: {ne} enter ({e}); {nl} leave ({l})"
            )
        };
        out.push_str(line.get(lang));
        out.push('\n');
    }
    Ok(out)
}
