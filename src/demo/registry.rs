//! The demo county's registry drawn: townships, villages, groups, and
//! the households with their heads' names.

use std::collections::HashSet;

use super::Rng;
use super::cadres::Cadre;
use crate::store::household::Household;

pub(super) const TOWNSHIPS: [&str; 7] = [
    "勐烈镇",
    "整董镇",
    "曲水镇",
    "宝藏镇",
    "康平镇",
    "国庆乡",
    "嘉禾乡",
];
const VILLAGE_FIRST: [&str; 16] = [
    "曼", "勐", "那", "南", "坝", "新", "大", "小", "回", "龙", "高", "田", "牛", "石", "竹", "平",
];
const VILLAGE_SECOND: [&str; 16] = [
    "贺", "烈", "科", "弄", "坎", "洒", "竜", "塘", "山", "寨", "河", "坪", "林", "岭", "桥", "湾",
];
const GROUP_NUMBERS: [&str; 15] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五",
];
const SURNAMES: [&str; 18] = [
    "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "罗", "白", "普", "刀", "岩", "玉",
    "陶", "龙",
];
const GIVEN: [&str; 24] = [
    "明", "华", "成", "芳", "强", "文", "兰", "发", "珍", "国", "清", "德", "秀", "学", "光", "英",
    "春", "云", "海", "金", "忠", "平", "香", "福",
];

/// A person's name, drawn.
pub(super) fn person(rng: &mut Rng) -> String {
    let mut name = rng.pick(&SURNAMES).to_string();
    let given: &&str = rng.pick(&GIVEN);
    name.push_str(given);
    if rng.chance(0.6) {
        let second: &&str = rng.pick(&GIVEN);
        name.push_str(second);
    }
    name
}

/// A village name not yet used in the township, drawn.
pub(super) fn village_name(
    rng: &mut Rng,
    township_index: usize,
    used: &mut HashSet<(usize, String)>,
) -> String {
    let mut village = String::new();
    while village.is_empty() || used.contains(&(township_index, village.clone())) {
        village = format!(
            "{}{}村",
            rng.pick(&VILLAGE_FIRST),
            rng.pick(&VILLAGE_SECOND)
        );
        if used.len() > 200 && rng.chance(0.5) {
            village = format!(
                "{}{}{}村",
                rng.pick(&VILLAGE_FIRST),
                rng.pick(&VILLAGE_SECOND),
                rng.pick(&VILLAGE_SECOND)
            );
        }
    }
    used.insert((township_index, village.clone()));
    village
}

/// Household `h` of village number `v` (with its township's number and
/// name, and its own name), drawn, in one of `groups` groups.
pub(super) fn draw_household(
    rng: &mut Rng,
    (township_index, township, v, village): (usize, &str, usize, &str),
    h: usize,
    groups: usize,
    cadre: &Cadre,
) -> Household {
    Household {
        code: format!("{:02}{:04}{:04}", township_index + 1, v + 1, h + 1),
        township: township.to_string(),
        village: village.to_string(),
        group: format!("{}组", GROUP_NUMBERS[rng.below(groups)]),
        head: person(rng),
        members: 1 + rng.below(4) as i64 + rng.below(4) as i64,
        phone: if rng.chance(0.7) {
            format!("13{:09}", rng.next() % 1_000_000_000)
        } else {
            String::new()
        },
        cadre: cadre.name.clone(),
        notes: String::new(),
        cadre_code: cadre.code.clone(),
        unit: cadre.unit.clone(),
    }
}
