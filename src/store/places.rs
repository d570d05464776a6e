//! The registry's places: which villages each township has, and which
//! village names more than one township has (so that a village is never
//! shown by its name alone where that could be either).

use std::collections::BTreeMap;

use super::{Result, Store};

/// A village of the registry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub township: String,
    pub village: String,
}

/// The registry's villages, and the names several townships share.
#[derive(Clone, Debug, Default)]
pub struct Places {
    /// In (township, village) order.
    pub all: Vec<Place>,
    /// Village names found in more than one township, with those
    /// townships in order.
    pub shared: BTreeMap<String, Vec<String>>,
}

impl Places {
    /// The places given, in (township, village) order, each once.
    pub fn new(mut all: Vec<Place>) -> Places {
        all.sort();
        all.dedup();
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in &all {
            by_name
                .entry(p.village.clone())
                .or_default()
                .push(p.township.clone());
        }
        by_name.retain(|_, townships| townships.len() > 1);
        Places {
            all,
            shared: by_name,
        }
    }

    /// Whether the registry has this village in this township.
    pub fn has(&self, township: &str, village: &str) -> bool {
        self.all
            .binary_search_by(|p| {
                (p.township.as_str(), p.village.as_str()).cmp(&(township, village))
            })
            .is_ok()
    }

    /// Whether the registry has this township.
    pub fn has_township(&self, township: &str) -> bool {
        let at = self.all.partition_point(|p| p.township.as_str() < township);
        self.all.get(at).is_some_and(|p| p.township == township)
    }

    /// The townships, in order.
    pub fn townships(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.all.iter().map(|p| p.township.as_str()).collect();
        out.dedup();
        out
    }

    /// The townships that have a village of this name, in order.
    pub fn townships_of(&self, village: &str) -> Vec<&str> {
        self.all
            .iter()
            .filter(|p| p.village == village)
            .map(|p| p.township.as_str())
            .collect()
    }

    /// The village's name as shown: with its township when another
    /// township has a village of the same name.
    pub fn name(&self, township: &str, village: &str) -> String {
        if self.shared.contains_key(village) {
            format!("{village}({township})")
        } else {
            village.to_string()
        }
    }
}

impl Store {
    /// Every (township, village) of the registry, from the households
    /// registered per village that the database's triggers keep (see
    /// [`super::kept`]): a province's 2,400 villages, not its million
    /// households.
    pub fn places(&self) -> Result<Places> {
        self.located(|| {
            let mut stmt = self.conn.prepare_cached(
                "SELECT township, village FROM kept_registry ORDER BY township, village",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Place {
                    township: r.get(0)?,
                    village: r.get(1)?,
                })
            })?;
            let all: Vec<Place> = rows.collect::<rusqlite::Result<_>>()?;
            Ok(Places::new(
                all.into_iter()
                    .filter(|p| !p.township.trim().is_empty() && !p.village.trim().is_empty())
                    .collect(),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(t: &str, v: &str) -> Place {
        Place {
            township: t.into(),
            village: v.into(),
        }
    }

    #[test]
    fn a_shared_name_is_shown_with_its_township_and_others_alone() {
        let places = Places::new(vec![
            place("勐烈镇", "龙桥村"),
            place("勐烈镇", "曼中村"),
            place("整董镇", "龙桥村"),
        ]);
        assert_eq!(places.name("整董镇", "龙桥村"), "龙桥村(整董镇)");
        assert_eq!(places.name("勐烈镇", "曼中村"), "曼中村");
        assert_eq!(places.townships(), ["勐烈镇", "整董镇"]);
        assert_eq!(places.townships_of("龙桥村"), ["勐烈镇", "整董镇"]);
        assert!(places.has("整董镇", "龙桥村") && !places.has("整董镇", "曼中村"));
        assert!(places.has_township("整董镇") && !places.has_township("整董"));
        assert_eq!(places.shared.len(), 1);
    }
}
