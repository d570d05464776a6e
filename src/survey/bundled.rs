//! The five questionnaires that ship inside the binary, so that `minqing
//! check` and the app work from any directory without a `surveys/` folder.

/// (path shown to users, TOML text) of every bundled questionnaire.
pub const BUNDLED: [(&str, &str); 5] = [
    (
        "surveys/housing.toml",
        include_str!("../../surveys/housing.toml"),
    ),
    (
        "surveys/water.toml",
        include_str!("../../surveys/water.toml"),
    ),
    (
        "surveys/roads.toml",
        include_str!("../../surveys/roads.toml"),
    ),
    (
        "surveys/schooling.toml",
        include_str!("../../surveys/schooling.toml"),
    ),
    (
        "surveys/health.toml",
        include_str!("../../surveys/health.toml"),
    ),
];
