//! Interface languages and two-language text.
//!
//! Owns the choice between Chinese and English and the [`Tr`] type that every
//! user-visible message is built from. A `Tr` cannot exist with one language
//! missing, so a message without a translation does not compile. This module
//! reads the locale environment variables and nothing else.

use std::fmt;

/// A language of the interface. Chinese comes first: it is the default of
/// every bundled questionnaire and of most users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en`, whichever is in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The language code used in questionnaires (`zh`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language the locale asks for: `LC_ALL`, then `LC_MESSAGES`, then
    /// `LANG`. A `zh_*` locale gives Chinese, any other set locale English;
    /// with no locale at all (as on Windows) Chinese, the users' language.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|value| !value.is_empty());
        Lang::from_locale(locale.as_deref())
    }

    /// See [`Lang::from_env`]; split out so the rule can be tested without
    /// touching the process environment.
    pub fn from_locale(locale: Option<&str>) -> Lang {
        match locale {
            None => Lang::Zh,
            Some(value) if value.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            Some(_) => Lang::En,
        }
    }
}

/// One message in both interface languages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tr {
    pub zh: String,
    pub en: String,
}

impl Tr {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// A message that reads the same in both languages (a file path, a name).
    pub fn same(text: impl Into<String>) -> Tr {
        let text = text.into();
        Tr {
            zh: text.clone(),
            en: text,
        }
    }
}

impl fmt::Display for Tr {
    /// English, for logs and `Debug`-like contexts where no language is chosen.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// Builds a [`Tr`] from a Chinese and an English format string, both of which
/// capture variables from the surrounding scope: `tr!("未知问题 '{name}'", "unknown question '{name}'")`.
#[macro_export]
macro_rules! tr {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::i18n::Tr {
            zh: format!($zh),
            en: format!($en),
        }
    };
    ($zh:literal, $en:literal, $($args:tt)+) => {
        $crate::i18n::Tr {
            zh: format!($zh, $($args)+),
            en: format!($en, $($args)+),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_rule() {
        assert_eq!(Lang::from_locale(Some("zh_CN.UTF-8")), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("zh_TW")), Lang::Zh);
        assert_eq!(Lang::from_locale(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(Some("C")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::Zh);
    }

    #[test]
    fn tr_captures_both() {
        let n = 3;
        let t = tr!("{n} 个错误", "{n} errors");
        assert_eq!(t.get(Lang::Zh), "3 个错误");
        assert_eq!(t.get(Lang::En), "3 errors");
    }
}
