//! How a person reads the ranking: categories by name in the interface's
//! language, and why a project stands where it does.

use super::PHASE_SHARE;
use crate::i18n::Lang;

/// A need category as a person reads it: the categories of the bundled
/// questionnaires and a few more a county uses, in `lang`; any other as
/// its author wrote its id.
pub fn category_name(id: &str, lang: Lang) -> &str {
    let (zh, en) = match id {
        "housing" => ("住房安全", "housing"),
        "water" => ("饮水安全", "drinking water"),
        "roads" => ("道路交通", "roads"),
        "schooling" => ("上学", "schooling"),
        "health" => ("看病就医", "health care"),
        "sanitation" => ("环境卫生", "sanitation"),
        "electricity" => ("用电", "electricity"),
        "income" => ("收入就业", "income and jobs"),
        _ => return id,
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Why a project stands where it does, for `explain`: the phase is
/// compared before the severity, and what the phase of its category in
/// its village says, so that a severity-2 project of a phase-4 village
/// above a severity-5 one of a phase-3 village reads as the method meant.
pub fn why_ranked(category: &str, phase: u8, severity: u8) -> crate::i18n::Tr {
    let (zh, en) = (
        category_name(category, Lang::Zh),
        category_name(category, Lang::En),
    );
    let threshold = (PHASE_SHARE * 100.0).round();
    if phase <= 1 {
        return crate::tr!(
            "排序先比阶段,再比严重程度:该村没有哪一级{zh}问题达到调查户的 {threshold}%,阶段为 1,所以这个项目排在阶段更高的村的项目之后。",
            "Ranking compares the phase first, then the severity: no level of {en} problem reaches {threshold}% of this village's surveyed households, so the phase is 1 and this project comes after those of villages of a higher phase."
        );
    }
    let (or_more_zh, or_more_en) = if phase >= 5 {
        (" ", "")
    } else {
        (" 或更高", " or more")
    };
    let mut why = crate::tr!(
        "排序先比阶段,再比严重程度:该村至少 {threshold}% 的调查户有严重程度 {phase}{or_more_zh}的{zh}问题,所以阶段为 {phase}。",
        "Ranking compares the phase first, then the severity: at least {threshold}% of this village's surveyed households have a {en} problem of severity {phase}{or_more_en}, so the phase is {phase}."
    );
    if severity < 5 {
        let then = crate::tr!(
            "这个严重程度 {severity} 的项目因此排在阶段更低的村里严重程度更高的项目之前。",
            " This severity-{severity} project therefore ranks above projects of higher severity in villages of a lower phase."
        );
        why.zh.push_str(&then.zh);
        why.en.push_str(&then.en);
    }
    why
}
