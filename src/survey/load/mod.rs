//! The questionnaire loader: TOML text in, a checked [`Survey`] or every
//! problem of the file out.
//!
//! Owns the questionnaire format (docs/questionnaires.md). It reads the TOML
//! document through the toml crate's span-keeping tree (`toml::de::DeTable`,
//! every key and value a `toml::Spanned`) and walks it by hand rather than
//! through `#[derive(Deserialize)]`, because serde stops at the first problem
//! and authors must see all of them at once. Never does I/O.

mod fields;
mod need;
mod rosters;
pub mod schema;
mod v2;
mod validate;
mod walk;

use fields::{get, map_span, placeholder, type_name};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostic, Level, did_you_mean, line_col, nearest};
use super::expr::check::{ChoiceList, Scope, Ty, check_all, type_of};
use super::expr::{self, ExprError};
use super::roster::Roster;
use super::{
    Choice, Expression, Label, Need, Question, QuestionKind, Section, Severity, Survey,
    is_valid_id, is_valid_name,
};
use crate::i18n::Tr;
use crate::tr;

type Value<'i> = Spanned<DeValue<'i>>;

/// The result of loading one file: the survey when there was no error, and
/// every diagnostic (errors and warnings) in the order of the file.
#[derive(Debug)]
pub struct Loaded {
    pub survey: Option<Survey>,
    pub diagnostics: Vec<Diagnostic>,
    /// The survey id and where it is written, when it could be read, even
    /// if the file has errors: ids must be unique across files either way.
    pub id: Option<(String, Range<usize>)>,
}

impl Loaded {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }
}

/// Choices a list may have: each is chosen with one key, 1-9 then a-z.
pub const MAX_CHOICES: usize = 35;

const ROOT_KEYS: &[&str] = &["survey", "choices", "section", "need"];
const SURVEY_KEYS: &[&str] = &[
    "id",
    "version",
    "category",
    "languages",
    "title",
    "description",
    "mode",
];
const CHOICE_KEYS: &[&str] = &["name", "label"];
const SECTION_KEYS: &[&str] = &[
    "name",
    "label",
    "relevant",
    "repeat_count",
    "row_label",
    "question",
];
const QUESTION_KEYS: &[&str] = &[
    "name",
    "type",
    "calculation",
    "choices",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "min",
    "max",
    "unit",
    "special",
];
const NEED_KEYS: &[&str] = &[
    "name",
    "category",
    "when",
    "severity",
    "project",
    "unit_cost",
    "repeat",
];

/// Loads a questionnaire from its TOML text.
pub fn load(text: &str) -> Loaded {
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    let mut loader = Loader {
        src: text,
        diags: Vec::new(),
        languages: vec!["zh".into(), "en".into()],
        untyped: HashSet::new(),
        typos: HashSet::new(),
        unattached: Vec::new(),
        label_refs: Vec::new(),
        rosters: Vec::new(),
        id: None,
    };
    // A question before the first [[section]] makes TOML complain of
    // duplicate keys further down: say what is wrong where it is.
    let early = question_before_section(text);
    if let Some(span) = &early {
        loader.error(
            span.clone(),
            tr!(
                "问题写在了第一个 [[section]] 之前",
                "a question before the first [[section]]"
            ),
            Some(tr!(
                "在它上面加一节:[[section]] 和 name = \"...\"",
                "add a section above it: [[section]] with name = \"...\""
            )),
        );
    }
    if !syntax_errors.is_empty() || early.is_some() {
        // A document that does not parse is reported as such only: checks on
        // a half-read document would mostly report the parser's guesses.
        for e in syntax_errors {
            let message = e.message().to_string();
            if early.is_some() && message.contains("duplicate") {
                continue;
            }
            let span = e.span().unwrap_or(0..0);
            loader.diags.push(Diagnostic::error(
                span,
                Tr {
                    zh: format!("TOML 语法错误:{}", super::toml_zh::in_chinese(&message)),
                    en: format!("invalid TOML: {message}"),
                },
            ));
        }
        return loader.finish(None);
    }
    let survey = loader.survey(root.get_ref(), text);
    loader.finish(survey)
}

/// The line of the first `[[section.question]]` written before any
/// `[[section]]`, if there is one.
fn question_before_section(text: &str) -> Option<Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let header: String = line
            .split('#')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match header.as_str() {
            "[[section]]" | "[section]" => return None,
            "[[section.question]]" => return Some(start..start + line.trim_end().len()),
            _ => {}
        }
    }
    None
}

struct Loader<'s> {
    src: &'s str,
    diags: Vec<Diagnostic>,
    languages: Vec<String>,
    /// Questions whose type could not be read: kept so that expressions
    /// naming them do not report a second, misleading "unknown question",
    /// and typed as unknown so that no type check fires on a guess.
    untyped: HashSet<String>,
    /// (table start, key) for every unknown key that looks like a typo of
    /// `key`: the typo is reported, so "missing `key`" would only repeat it.
    typos: HashSet<(usize, String)>,
    /// Expressions of questions and needs that could not be built (a bad or
    /// repeated name, a bad severity): checked all the same, so that every
    /// problem shows in one run. `true` marks a constraint.
    unattached: Vec<(Expression, bool)>,
    /// Every `${...}` written in a label, hint or message, with where its
    /// text is: checked once every question is known.
    label_refs: Vec<(String, Range<usize>)>,
    /// The names of the rosters read so far.
    rosters: Vec<String>,
    id: Option<(String, Range<usize>)>,
}

impl<'s> Loader<'s> {
    pub(super) fn error(&mut self, span: Range<usize>, message: Tr, help: Option<Tr>) {
        self.diags
            .push(Diagnostic::error(span, message).with_help(help));
    }

    pub(super) fn warn(&mut self, span: Range<usize>, message: Tr, help: Option<Tr>) {
        self.diags
            .push(Diagnostic::warning(span, message).with_help(help));
    }

    pub(super) fn finish(mut self, survey: Option<Survey>) -> Loaded {
        self.diags.sort_by_key(|d| (d.span.start, d.level));
        let ok = !self.diags.iter().any(|d| d.level == Level::Error);
        Loaded {
            survey: if ok { survey } else { None },
            diagnostics: self.diags,
            id: self.id,
        }
    }

    pub(super) fn line_of(&self, span: &Range<usize>) -> usize {
        line_col(self.src, span.start).0
    }

    pub(super) fn survey(&mut self, root: &DeTable<'_>, text: &str) -> Option<Survey> {
        self.keys(root, &(0..0), ROOT_KEYS, "the file");
        let Some(head) = get(root, "survey") else {
            if self.typos.contains(&(0, "survey".to_string())) {
                return None;
            }
            self.error(
                0..0,
                tr!("缺少 [survey] 表", "missing the [survey] table"),
                Some(tr!(
                    "在文件开头写 [survey],并给出 id、version 和 title",
                    "start the file with [survey] giving id, version and title"
                )),
            );
            return None;
        };
        let DeValue::Table(head_table) = head.get_ref() else {
            self.wrong_type(head, "survey", tr!("表", "a table"));
            return None;
        };
        let head_span = head.span();
        self.keys(head_table, &head_span, SURVEY_KEYS, "[survey]");
        self.languages(head_table);
        let id = self.survey_id(head_table, &head_span);
        self.id = id.clone();
        let version = self.survey_version(head_table, &head_span);
        let category = self.category(head_table);
        let title = match get(head_table, "title") {
            Some(v) => self.label(v, "title"),
            None => {
                self.missing(head_span.clone(), "title", "[survey]");
                None
            }
        };
        let description = self.label_at(head_table, "description");
        let mode = self.mode(head_table);

        let choice_lists = self.choice_lists(root);
        let sections = self.sections(root, &choice_lists);
        let needs = self.needs(root, category.as_deref());
        if sections.iter().all(|s| s.questions.is_empty()) {
            self.error(
                head_span.clone(),
                tr!("问卷没有任何问题", "the questionnaire has no questions"),
                Some(tr!(
                    "用 [[section]] 和 [[section.question]] 添加问题",
                    "add questions with [[section]] and [[section.question]]"
                )),
            );
        }
        let (flat, by_name) = super::index(&sections);
        let survey = Survey {
            flat,
            by_name,
            id: id.map(|(s, _)| s).unwrap_or_default(),
            version: version.map(|(s, _)| s).unwrap_or_default(),
            category,
            mode,
            languages: self.languages.clone(),
            title: title.unwrap_or(Label(Vec::new())),
            description,
            yes_no: self.yes_no(),
            choice_lists,
            sections,
            needs,
            source: text.to_string(),
        };
        self.check_expressions(&survey);
        self.check_cycles(&survey);
        self.check_unused_lists(&survey, root);
        Some(survey)
    }

    /// The `id` of `[survey]`.
    fn survey_id(
        &mut self,
        head: &DeTable<'_>,
        span: &Range<usize>,
    ) -> Option<(String, Range<usize>)> {
        let id = self.required_string(head, "id", "[survey]", span);
        if let Some((id, span)) = &id
            && !is_valid_id(id)
        {
            self.error(
                span.clone(),
                tr!("问卷 id '{id}' 无效", "invalid survey id '{id}'"),
                Some(tr!(
                    "id 以小写字母开头,只含小写字母、数字和 _",
                    "an id starts with a lowercase letter and uses only a-z, 0-9 and _"
                )),
            );
        }
        id
    }

    /// The `version` of `[survey]`, not blank.
    fn survey_version(
        &mut self,
        head: &DeTable<'_>,
        span: &Range<usize>,
    ) -> Option<(String, Range<usize>)> {
        let version = self.required_string(head, "version", "[survey]", span);
        if let Some((v, span)) = &version
            && v.trim().is_empty()
        {
            self.error(
                span.clone(),
                tr!("version 不能为空", "version must not be empty"),
                None,
            );
        }
        version
    }

    /// Every `[[need]]` that could be read, names unique.
    fn needs(&mut self, root: &DeTable<'_>, category: Option<&str>) -> Vec<Need> {
        let mut needs = Vec::new();
        let mut need_names: HashMap<String, Range<usize>> = HashMap::new();
        for (table, span) in &self.array_of_tables(root, "need") {
            if let Some(need) = self.need(table, span, category, &mut need_names) {
                needs.push(need);
            }
        }
        needs
    }

    pub(super) fn languages(&mut self, head: &DeTable<'_>) {
        let Some(v) = get(head, "languages") else {
            return;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                v,
                "languages",
                tr!("语言代码的数组", "an array of language codes"),
            );
            return;
        };
        let mut langs: Vec<String> = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => {
                    if langs.iter().any(|l| l == s.as_ref()) {
                        self.error(
                            item.span(),
                            tr!("语言 '{s}' 重复", "language '{s}' is listed twice"),
                            None,
                        );
                    } else {
                        langs.push(s.to_string());
                    }
                }
                _ => self.wrong_type(
                    item,
                    "languages",
                    tr!("语言代码(如 \"zh\")", "a language code such as \"zh\""),
                ),
            }
        }
        if langs.is_empty() {
            self.error(
                v.span(),
                tr!(
                    "languages 至少要有一种语言",
                    "languages must list at least one language"
                ),
                None,
            );
        } else {
            self.languages = langs;
        }
    }
}
