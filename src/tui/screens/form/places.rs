//! Choosing a household's township and village from the registry's
//! lists: what is typed filters them (by characters, pinyin or pinyin
//! initials), a village of another township of the same name is shown with
//! its township, and a name not in the registry is offered as new, to be
//! confirmed when the form is saved.

use crate::i18n::Lang;
use crate::store::places::{Place, Places};
use crate::tr;
use crate::tui::widgets::filter::{matches, search_key};

/// What the person can choose in the township or village field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    Township(String),
    /// A village of the registry, with its township.
    Village(Place),
    /// The name typed, not in the registry.
    New(String),
}

impl Choice {
    /// The line shown in the list; `township` is the form's township.
    pub fn line(&self, township: &str, lang: Lang) -> String {
        match self {
            Choice::Township(t) => t.clone(),
            Choice::Village(p) if p.township == township => p.village.clone(),
            Choice::Village(p) => format!("{} · {}", p.village, p.township),
            Choice::New(name) if township.is_empty() => {
                tr!("+ 新名称“{name}”", "+ new name \"{name}\"")
                    .get(lang)
                    .to_string()
            }
            Choice::New(name) => tr!(
                "+ 新名称“{name}”(在 {township})",
                "+ new name \"{name}\" (in {township})"
            )
            .get(lang)
            .to_string(),
        }
    }
}

/// The choices for the township field, given what is typed: matching
/// townships, the one typed exactly first; then the typed name as new
/// when the registry has no such township.
pub fn townships(places: &Places, typed: &str) -> Vec<Choice> {
    let typed = typed.trim();
    let mut found: Vec<&str> = places
        .townships()
        .into_iter()
        .filter(|t| matches(&search_key(t), typed))
        .collect();
    found.sort_by_key(|t| *t != typed);
    let mut out: Vec<Choice> = found
        .into_iter()
        .map(|t| Choice::Township(t.to_string()))
        .collect();
    if !typed.is_empty() && !places.has_township(typed) {
        out.push(Choice::New(typed.to_string()));
    }
    out
}

/// The choices for the village field: the villages of the form's
/// township that match what is typed, then (once something is typed, or
/// when the township is not in the registry) those of other townships;
/// the one named exactly first; then the typed name as new when the
/// township has no such village.
pub fn villages(places: &Places, keys: &[String], township: &str, typed: &str) -> Vec<Choice> {
    let typed = typed.trim();
    let own = places.has_township(township);
    let mut found: Vec<&Place> = places
        .all
        .iter()
        .zip(keys)
        .filter(|(p, key)| {
            (p.township == township || !typed.is_empty() || !own) && matches(key, typed)
        })
        .map(|(p, _)| p)
        .collect();
    // Exactly named first, then the form's township, each in order.
    found.sort_by_key(|p| (p.village != typed, p.township != township));
    let mut out: Vec<Choice> = found.into_iter().cloned().map(Choice::Village).collect();
    if !typed.is_empty() && !places.has(township, typed) {
        out.push(Choice::New(typed.to_string()));
    }
    out
}

/// The search key of each village of `places` (characters, pinyin,
/// initials), in their order: made once when the form opens, not for
/// every key typed and every frame drawn.
pub fn village_keys(places: &Places) -> Vec<String> {
    places.all.iter().map(|p| search_key(&p.village)).collect()
}

/// A place the form would add to the registry, which the person must
/// confirm: what the registry has of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlace {
    pub place: Place,
    /// Whether the registry has the township.
    pub known_township: bool,
    /// Other townships with a village of this name.
    pub elsewhere: Vec<String>,
}

impl NewPlace {
    /// The place as new, unless the registry has it.
    pub fn of(places: &Places, township: &str, village: &str) -> Option<NewPlace> {
        if places.has(township, village) {
            return None;
        }
        Some(NewPlace {
            place: Place {
                township: township.to_string(),
                village: village.to_string(),
            },
            known_township: places.has_township(township),
            elsewhere: places
                .townships_of(village)
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
    }

    /// What the registry lacks, and what `y` does: naming the township.
    pub fn question(&self, lang: Lang) -> Vec<String> {
        let (t, v) = (&self.place.township, &self.place.village);
        let mut lines = Vec::new();
        if self.known_township {
            lines.push(tr!(
                "登记册中 {t} 没有 {v}。",
                "The registry has no {v} in {t}."
            ));
        } else {
            lines.push(tr!(
                "登记册中没有乡镇 {t},也就没有 {t} {v}。",
                "The registry has no township {t}, so no {v} in {t}."
            ));
        }
        if !self.elsewhere.is_empty() {
            let others = self.elsewhere.join(" ");
            lines.push(tr!(
                "同名的 {v} 在:{others}。若是那个村,请按其他键返回,在村一栏选它。",
                "A {v} is in: {others}. If it is that one, press any other key and choose it in the village field."
            ));
        }
        lines.push(tr!(
            "按 y 在 {t} 新建村 {v};按其他键返回修改。",
            "Press y to make {v} a new village of {t}; any other key goes back to the form."
        ));
        lines.into_iter().map(|l| l.get(lang).to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        let p = |t: &str, v: &str| Place {
            township: t.into(),
            village: v.into(),
        };
        Places::new(vec![
            p("勐烈镇", "曼中村"),
            p("勐烈镇", "新贺村"),
            p("整董镇", "曼中村"),
            p("整董镇", "龙桥村"),
        ])
    }

    fn village(t: &str, v: &str) -> Choice {
        Choice::Village(Place {
            township: t.into(),
            village: v.into(),
        })
    }

    #[test]
    fn townships_are_filtered_by_pinyin_initials_and_a_new_one_is_offered() {
        let p = places();
        assert_eq!(
            townships(&p, ""),
            [
                Choice::Township("勐烈镇".into()),
                Choice::Township("整董镇".into())
            ]
        );
        assert_eq!(
            townships(&p, "zdz"),
            [Choice::Township("整董镇".into()), Choice::New("zdz".into())]
        );
        assert_eq!(
            townships(&p, "整董"),
            [
                Choice::Township("整董镇".into()),
                Choice::New("整董".into())
            ]
        );
        assert_eq!(townships(&p, "整董镇"), [Choice::Township("整董镇".into())]);
    }

    #[test]
    fn a_village_of_another_township_is_offered_with_its_township() {
        let p = places();
        // Nothing typed: the township's own villages, in the registry's
        // order (that of their characters' codes).
        assert_eq!(
            villages(&p, &village_keys(&p), "勐烈镇", ""),
            [village("勐烈镇", "新贺村"), village("勐烈镇", "曼中村")]
        );
        // 龙桥村 is 整董镇's: offered with it, and as new in 勐烈镇.
        assert_eq!(
            villages(&p, &village_keys(&p), "勐烈镇", "lqc"),
            [village("整董镇", "龙桥村"), Choice::New("lqc".into())]
        );
        assert_eq!(
            villages(&p, &village_keys(&p), "勐烈镇", "龙桥村"),
            [village("整董镇", "龙桥村"), Choice::New("龙桥村".into())]
        );
        // The form's township first among namesakes; nothing new.
        assert_eq!(
            villages(&p, &village_keys(&p), "整董镇", "曼中村"),
            [village("整董镇", "曼中村"), village("勐烈镇", "曼中村")]
        );
        assert_eq!(
            village("整董镇", "龙桥村").line("勐烈镇", Lang::Zh),
            "龙桥村 · 整董镇"
        );
    }

    #[test]
    fn a_new_village_names_its_township_and_its_namesakes() {
        let p = places();
        assert_eq!(NewPlace::of(&p, "整董镇", "龙桥村"), None);
        let new = NewPlace::of(&p, "勐烈镇", "龙桥村").expect("new");
        assert_eq!(new.elsewhere, ["整董镇"]);
        let text = new.question(Lang::Zh).join("\n");
        assert!(text.contains("登记册中 勐烈镇 没有 龙桥村"), "{text}");
        assert!(text.contains("同名的 龙桥村 在:整董镇"), "{text}");
        assert!(text.contains("按 y 在 勐烈镇 新建村 龙桥村"), "{text}");
        let unknown = NewPlace::of(&p, "新镇", "新村").expect("new");
        assert!(!unknown.known_township && unknown.elsewhere.is_empty());
        assert!(unknown.question(Lang::En)[0].contains("no township 新镇"));
    }
}
