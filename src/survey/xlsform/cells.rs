//! Reading an XLSForm's cells and writing TOML's: columns by header and
//! language, language codes, quoted strings and keys, labels, ids and
//! question names Minqing accepts.

/// A column of a sheet by its header, language suffix apart: `label`,
/// `label::Chinese (zh)`, `label::English`.
pub(super) struct Columns {
    pub(super) header: Vec<(String, Option<String>)>,
}

impl Columns {
    pub(super) fn of(header: &[String]) -> Columns {
        Columns {
            header: header
                .iter()
                .map(|h| {
                    let h = h.trim();
                    match h.split_once("::") {
                        Some((key, lang)) => (key.trim().to_lowercase(), Some(language(lang))),
                        None => (h.to_lowercase(), None),
                    }
                })
                .collect(),
        }
    }

    /// The cell of `key` (without a language), trimmed.
    pub(super) fn get<'r>(&self, row: &'r [String], key: &str) -> &'r str {
        self.header
            .iter()
            .position(|(k, lang)| k == key && lang.is_none())
            .and_then(|i| row.get(i))
            .map_or("", |s| s.trim())
    }

    /// The texts of `key` by language (`None`: the default language).
    pub(super) fn texts(&self, row: &[String], key: &str) -> Vec<(Option<String>, String)> {
        self.header
            .iter()
            .enumerate()
            .filter(|(_, (k, _))| k == key)
            .filter_map(|(i, (_, lang))| {
                let text = row.get(i)?.trim();
                (!text.is_empty()).then(|| (lang.clone(), text.to_string()))
            })
            .collect()
    }

    /// Header names with something in this row that no key takes.
    pub(super) fn unused(&self, row: &[String], used: &[&str]) -> Vec<String> {
        self.header
            .iter()
            .enumerate()
            .filter(|(i, (k, _))| {
                !used.contains(&k.as_str()) && row.get(*i).is_some_and(|c| !c.trim().is_empty())
            })
            .map(|(_, (k, _))| k.clone())
            .collect()
    }
}

/// A language column's code: `Chinese (zh)` is `zh`; a name alone is read
/// as the language it names.
pub(super) fn language(suffix: &str) -> String {
    let suffix = suffix.trim();
    if let (Some(open), Some(close)) = (suffix.rfind('('), suffix.rfind(')'))
        && open < close
    {
        return suffix[open + 1..close].trim().to_lowercase();
    }
    match suffix.to_lowercase().as_str() {
        "chinese" | "中文" | "汉语" => "zh".into(),
        "english" | "英文" | "英语" => "en".into(),
        other => other.to_string(),
    }
}

/// A TOML string.
pub(super) fn quoted(text: &str) -> String {
    // The toml crate writes it: escapes, quotes and all.
    toml::Value::String(text.to_string()).to_string()
}

/// A label value: one string, or a table of languages.
pub(super) fn label(texts: &[(Option<String>, String)], default: &str) -> Option<String> {
    match texts {
        [] => None,
        [(None, text)] => Some(quoted(text)),
        _ => {
            // Each language once (a plain column is the default one), its
            // key quoted unless TOML takes it bare.
            let mut seen: Vec<&str> = Vec::new();
            let parts: Vec<String> = texts
                .iter()
                .filter_map(|(lang, text)| {
                    let lang = lang.as_deref().unwrap_or(default);
                    if seen.contains(&lang) {
                        return None;
                    }
                    seen.push(lang);
                    Some(format!("{} = {}", key(lang), quoted(text)))
                })
                .collect();
            Some(format!("{{ {} }}", parts.join(", ")))
        }
    }
}

/// A question name Minqing accepts, from the one in the sheet.
pub(super) fn question_name(name: &str, at: usize) -> String {
    if crate::survey::is_valid_name(name) {
        return name.to_string();
    }
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if ascii.chars().any(|c| c.is_ascii_alphabetic()) && crate::survey::is_valid_name(&ascii) {
        ascii
    } else {
        format!("q{at}")
    }
}

/// A TOML key: bare when it can be.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { text.to_string() } else { quoted(text) }
}

/// An id Minqing accepts: lowercase letters, digits and `_`, a letter first.
pub(super) fn as_id(text: &str) -> String {
    let mut id: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id.insert_str(0, "form_");
    }
    id
}
