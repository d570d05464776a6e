//! The bundled water questionnaire and a household of 曼贺村, for the
//! tests of merging between laptops.

use minqing::store::household::Household;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::{Survey, load};

pub fn water() -> Survey {
    load(BUNDLED[1].1).survey.expect("water loads")
}

pub fn household(code: &str) -> Household {
    Household {
        code: code.into(),
        township: "勐烈镇".into(),
        village: "曼贺村".into(),
        head: "李明".into(),
        members: 4,
        ..Household::default()
    }
}
