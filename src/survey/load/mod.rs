//! The questionnaire loader: TOML text in, a checked [`Survey`] or every
//! problem of the file out.
//!
//! Owns the questionnaire format (docs/questionnaires.md). It reads the TOML
//! document through the toml crate's span-keeping tree (`toml::de::DeTable`,
//! every key and value a `toml::Spanned`) and walks it by hand rather than
//! through `#[derive(Deserialize)]`, because serde stops at the first problem
//! and authors must see all of them at once. Never does I/O.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostic, Level, did_you_mean, line_col, nearest};
use super::expr::check::{ChoiceList, Scope, Ty, check};
use super::expr::{self, ExprError};
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
];
const CHOICE_KEYS: &[&str] = &["name", "label"];
const SECTION_KEYS: &[&str] = &["name", "label", "relevant", "question"];
const QUESTION_KEYS: &[&str] = &[
    "name",
    "type",
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
];
const NEED_KEYS: &[&str] = &[
    "name",
    "category",
    "when",
    "severity",
    "project",
    "unit_cost",
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
        id: None,
    };
    if !syntax_errors.is_empty() {
        // A document that does not parse is reported as such only: checks on
        // a half-read document would mostly report the parser's guesses.
        for e in syntax_errors {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().to_string();
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
    id: Option<(String, Range<usize>)>,
}

fn type_name(v: &DeValue<'_>) -> Tr {
    match v {
        DeValue::String(_) => tr!("文字", "text"),
        DeValue::Integer(_) => tr!("整数", "an integer"),
        DeValue::Float(_) => tr!("小数", "a decimal number"),
        DeValue::Boolean(_) => tr!("真假值", "true/false"),
        DeValue::Datetime(_) => tr!("日期时间", "a date-time"),
        DeValue::Array(_) => tr!("数组", "an array"),
        DeValue::Table(_) => tr!("表", "a table"),
    }
}

fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

impl<'s> Loader<'s> {
    fn error(&mut self, span: Range<usize>, message: Tr, help: Option<Tr>) {
        self.diags
            .push(Diagnostic::error(span, message).with_help(help));
    }

    fn warn(&mut self, span: Range<usize>, message: Tr, help: Option<Tr>) {
        self.diags
            .push(Diagnostic::warning(span, message).with_help(help));
    }

    fn finish(mut self, survey: Option<Survey>) -> Loaded {
        self.diags.sort_by_key(|d| (d.span.start, d.level));
        let ok = !self.diags.iter().any(|d| d.level == Level::Error);
        Loaded {
            survey: if ok { survey } else { None },
            diagnostics: self.diags,
            id: self.id,
        }
    }

    fn line_of(&self, span: &Range<usize>) -> usize {
        line_col(self.src, span.start).0
    }

    /// Reports every key of `table` (whose header is at `span`) not in `allowed`.
    fn keys(&mut self, table: &DeTable<'_>, span: &Range<usize>, allowed: &[&str], context: &str) {
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if allowed.contains(&name) {
                continue;
            }
            if let Some(meant) = nearest(name, allowed.iter().copied()) {
                self.typos.insert((span.start, meant.to_string()));
            }
            let help = did_you_mean(name, allowed.iter().copied()).or_else(|| {
                let all = allowed.join(", ");
                Some(tr!("可用的键:{all}", "valid keys: {all}"))
            });
            self.error(
                key.span(),
                tr!(
                    "{context} 中有未知的键 '{name}'",
                    "unknown key '{name}' in {context}"
                ),
                help,
            );
        }
    }

    fn missing(&mut self, span: Range<usize>, key: &str, context: &str) {
        if self.typos.contains(&(span.start, key.to_string())) {
            return;
        }
        self.error(
            span,
            tr!("{context} 缺少 '{key}'", "missing '{key}' in {context}"),
            None,
        );
    }

    fn wrong_type(&mut self, v: &Value<'_>, key: &str, expected: Tr) {
        let found = type_name(v.get_ref());
        self.error(
            v.span(),
            Tr {
                zh: format!("'{key}' 应为{},这里是{}", expected.zh, found.zh),
                en: format!("'{key}' must be {}, found {}", expected.en, found.en),
            },
            None,
        );
    }

    fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let v = get(table, key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            _ => {
                self.wrong_type(v, key, tr!("文字", "text"));
                None
            }
        }
    }

    fn required_string(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        context: &str,
        table_span: &Range<usize>,
    ) -> Option<(String, Range<usize>)> {
        if get(table, key).is_none() {
            self.missing(table_span.clone(), key, context);
            return None;
        }
        self.string(table, key)
    }

    fn name(
        &mut self,
        table: &DeTable<'_>,
        context: &str,
        table_span: &Range<usize>,
    ) -> Option<(String, Range<usize>)> {
        let (name, span) = self.required_string(table, "name", context, table_span)?;
        if !is_valid_name(&name) {
            self.error(
                span,
                tr!("名称 '{name}' 无效", "invalid name '{name}'"),
                Some(tr!(
                    "名称以字母或 _ 开头,只含英文字母、数字和 _",
                    "a name starts with a letter or _ and uses only letters, digits and _"
                )),
            );
            return None;
        }
        Some((name, span))
    }

    fn number(&mut self, table: &DeTable<'_>, key: &str) -> Option<(f64, Range<usize>)> {
        let v = get(table, key)?;
        match number(v.get_ref()) {
            Some(n) => Some((n, v.span())),
            None => {
                self.wrong_type(v, key, tr!("数字", "a number"));
                None
            }
        }
    }

    fn label_at(&mut self, table: &DeTable<'_>, key: &str) -> Option<Label> {
        get(table, key).and_then(|v| self.label(v, key))
    }

    /// A label: one string for every language, or a table language → string.
    fn label(&mut self, v: &Value<'_>, key: &str) -> Option<Label> {
        let default = self.languages[0].clone();
        match v.get_ref() {
            DeValue::String(s) => Some(Label(vec![(default, s.to_string())])),
            DeValue::Table(t) => {
                let mut texts = Vec::new();
                let mut present: Vec<&str> = Vec::new();
                let mut ok = true;
                for (lang, text) in t.iter() {
                    let code = lang.get_ref().as_ref();
                    present.push(code);
                    if !self.languages.iter().any(|l| l == code) {
                        let declared = self.languages.join(", ");
                        let help = did_you_mean(code, self.languages.iter().map(String::as_str))
                            .or_else(|| {
                                Some(tr!(
                                    "把 '{code}' 加入 [survey] 的 languages(现为:{declared})",
                                    "add '{code}' to languages in [survey] (now: {declared})"
                                ))
                            });
                        self.error(
                            lang.span(),
                            tr!("未声明的语言 '{code}'", "undeclared language '{code}'"),
                            help,
                        );
                        ok = false;
                        continue;
                    }
                    match text.get_ref() {
                        DeValue::String(s) => texts.push((code.to_string(), s.to_string())),
                        _ => {
                            self.wrong_type(text, &format!("{key}.{code}"), tr!("文字", "text"));
                            ok = false;
                        }
                    }
                }
                if !present.contains(&default.as_str()) {
                    self.error(
                        v.span(),
                        tr!(
                            "'{key}' 缺少默认语言 '{default}' 的文字",
                            "'{key}' has no text in the default language '{default}'"
                        ),
                        None,
                    );
                    return None;
                }
                for lang in &self.languages[1..] {
                    if !present.contains(&lang.as_str()) {
                        self.diags.push(Diagnostic::warning(
                            v.span(),
                            tr!(
                                "'{key}' 缺少 '{lang}' 的文字",
                                "'{key}' has no '{lang}' text"
                            ),
                        ));
                    }
                }
                // Keep the default language first, the others in declared order.
                let order = |l: &str| self.languages.iter().position(|x| x == l);
                texts.sort_by_key(|(l, _)| order(l));
                ok.then_some(Label(texts))
            }
            _ => {
                self.wrong_type(
                    v,
                    key,
                    tr!("文字或按语言分的表", "text or a table of languages"),
                );
                None
            }
        }
    }

    /// Parses an expression value; checking against the survey comes later.
    fn expression(&mut self, table: &DeTable<'_>, key: &str) -> Option<Expression> {
        let v = get(table, key)?;
        let DeValue::String(text) = v.get_ref() else {
            self.wrong_type(v, key, tr!("文字(表达式)", "text (an expression)"));
            return None;
        };
        let span = v.span();
        match expr::parse(text) {
            Ok(ast) => Some(Expression {
                text: text.to_string(),
                ast,
                span,
            }),
            Err(e) => {
                self.expr_error(&span, e);
                None
            }
        }
    }

    /// Reports a problem found inside the expression written at `value_span`.
    fn expr_error(&mut self, value_span: &Range<usize>, e: ExprError) {
        let span = map_span(self.src, value_span, e.span);
        self.error(span, e.message, e.help);
    }

    fn survey(&mut self, root: &DeTable<'_>, text: &str) -> Option<Survey> {
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
        let id = self.required_string(head_table, "id", "[survey]", &head_span);
        self.id = id.clone();
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
        let version = self.required_string(head_table, "version", "[survey]", &head_span);
        if let Some((v, span)) = &version
            && v.trim().is_empty()
        {
            self.error(
                span.clone(),
                tr!("version 不能为空", "version must not be empty"),
                None,
            );
        }
        let category = self.category(head_table);
        let title = match get(head_table, "title") {
            Some(v) => self.label(v, "title"),
            None => {
                self.missing(head_span.clone(), "title", "[survey]");
                None
            }
        };
        let description = self.label_at(head_table, "description");

        let choice_lists = self.choice_lists(root);
        let sections = self.sections(root, &choice_lists);
        let needs_raw = self.array_of_tables(root, "need");
        let mut needs = Vec::new();
        let mut need_names: HashMap<String, Range<usize>> = HashMap::new();
        for (table, span) in &needs_raw {
            if let Some(need) = self.need(table, span, category.as_deref(), &mut need_names) {
                needs.push(need);
            }
        }
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

    fn languages(&mut self, head: &DeTable<'_>) {
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

    fn category(&mut self, table: &DeTable<'_>) -> Option<String> {
        let (category, span) = self.string(table, "category")?;
        if is_valid_id(&category) {
            Some(category)
        } else {
            self.error(
                span,
                tr!("类别 '{category}' 无效", "invalid category '{category}'"),
                Some(tr!(
                    "类别以小写字母开头,只含小写字母、数字和 _,例如 water",
                    "a category uses only a-z, 0-9 and _, for example water"
                )),
            );
            None
        }
    }

    fn yes_no(&self) -> Vec<Choice> {
        let label = |zh: &str, en: &str| {
            Label(
                self.languages
                    .iter()
                    .map(|l| (l.clone(), if l == "zh" { zh } else { en }.to_string()))
                    .collect(),
            )
        };
        vec![
            Choice {
                name: "yes".into(),
                label: label("是", "Yes"),
            },
            Choice {
                name: "no".into(),
                label: label("否", "No"),
            },
        ]
    }

    /// The elements of an array of tables such as `[[section]]`.
    fn array_of_tables<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        key: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(v) = get(table, key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            let single = match v.get_ref() {
                DeValue::Table(t) => vec![(t, v.span())],
                _ => Vec::new(),
            };
            self.error(
                v.span(),
                Tr {
                    zh: format!("'{key}' 应为表的数组(写作 [[{key}]]),这里是{}", found.zh),
                    en: format!(
                        "'{key}' must be an array of tables (write [[{key}]]), found {}",
                        found.en
                    ),
                },
                None,
            );
            // Read the single table anyway, so its contents are checked
            // and do not cause further, misleading errors.
            return single;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                _ => self.wrong_type(item, key, tr!("表", "a table")),
            }
        }
        out
    }

    fn choice_lists(&mut self, root: &DeTable<'_>) -> BTreeMap<String, Vec<Choice>> {
        let mut lists = BTreeMap::new();
        let Some(v) = get(root, "choices") else {
            return lists;
        };
        let DeValue::Table(table) = v.get_ref() else {
            self.wrong_type(v, "choices", tr!("表", "a table"));
            return lists;
        };
        for (key, value) in table.iter() {
            let list_name = key.get_ref().to_string();
            if !is_valid_name(&list_name) {
                self.error(
                    key.span(),
                    tr!(
                        "选项表名 '{list_name}' 无效",
                        "invalid choice list name '{list_name}'"
                    ),
                    None,
                );
            }
            let DeValue::Array(items) = value.get_ref() else {
                self.wrong_type(value, &list_name, tr!("选项的数组", "an array of choices"));
                continue;
            };
            if items.is_empty() {
                self.error(
                    value.span(),
                    tr!(
                        "选项表 '{list_name}' 是空的",
                        "choice list '{list_name}' is empty"
                    ),
                    None,
                );
            }
            if items.len() > MAX_CHOICES {
                let n = items.len();
                self.error(
                    value.span(),
                    tr!(
                        "选项表 '{list_name}' 有 {n} 个选项;一键作答最多支持 {MAX_CHOICES} 个(1-9、a-z)",
                        "choice list '{list_name}' has {n} choices; at most {MAX_CHOICES} can each be chosen with one key (1-9, a-z)"
                    ),
                    Some(tr!("把选项分到两道题中", "split the choices over two questions")),
                );
            }
            let mut choices: Vec<Choice> = Vec::new();
            let mut seen: HashMap<String, Range<usize>> = HashMap::new();
            for item in items.iter() {
                let DeValue::Table(t) = item.get_ref() else {
                    self.wrong_type(
                        item,
                        &list_name,
                        tr!(
                            "{{ name = …, label = … }} 形式的选项",
                            "a choice {{ name = …, label = … }}"
                        ),
                    );
                    continue;
                };
                let span = item.span();
                self.keys(t, &span, CHOICE_KEYS, "a choice");
                let name = self.required_string(t, "name", "a choice", &span);
                let label = match get(t, "label") {
                    Some(v) => self.label(v, "label"),
                    None => {
                        self.missing(span.clone(), "label", "a choice");
                        None
                    }
                };
                let Some((name, name_span)) = name else {
                    continue;
                };
                if name.is_empty()
                    || name.contains(char::is_whitespace)
                    || name.contains(['\'', '"'])
                {
                    self.error(
                        name_span,
                        tr!("选项名 '{name}' 无效", "invalid choice name '{name}'"),
                        Some(tr!(
                            "选项名不能为空,不能含空格或引号(多选答案用空格分隔)",
                            "a choice name must not be empty or contain spaces or quotes (multiple answers are separated by spaces)"
                        )),
                    );
                    continue;
                }
                if let Some(first) = seen.get(&name) {
                    let line = self.line_of(first);
                    self.error(
                        name_span,
                        tr!(
                            "选项表 '{list_name}' 中选项 '{name}' 重复",
                            "duplicate choice '{name}' in list '{list_name}'"
                        ),
                        Some(tr!(
                            "第一次定义在第 {line} 行",
                            "first defined on line {line}"
                        )),
                    );
                    continue;
                }
                seen.insert(name.clone(), name_span);
                // A label with errors was reported; the choice stays known.
                let label = label.unwrap_or(Label(Vec::new()));
                choices.push(Choice { name, label });
            }
            lists.insert(list_name, choices);
        }
        lists
    }

    fn sections(
        &mut self,
        root: &DeTable<'_>,
        lists: &BTreeMap<String, Vec<Choice>>,
    ) -> Vec<Section> {
        let mut sections = Vec::new();
        let mut section_names: HashMap<String, Range<usize>> = HashMap::new();
        let mut question_names: HashMap<String, Range<usize>> = HashMap::new();
        for (table, span) in self.array_of_tables(root, "section") {
            self.keys(table, &span, SECTION_KEYS, "[[section]]");
            let name = self.name(table, "[[section]]", &span);
            if let Some((name, name_span)) = &name {
                self.unique(&mut section_names, name, name_span, tr!("分节", "section"));
            }
            let label = self.label_at(table, "label");
            let relevant = self.expression(table, "relevant");
            let questions = self.array_of_tables(table, "question");
            if questions.is_empty() && get(table, "question").is_none() {
                let shown = name.as_ref().map_or("", |(n, _)| n.as_str());
                self.warn(
                    span.clone(),
                    tr!(
                        "分节 '{shown}' 没有问题",
                        "section '{shown}' has no questions"
                    ),
                    None,
                );
            }
            let mut section = Section {
                name: name.map(|(n, _)| n).unwrap_or_default(),
                label,
                relevant,
                questions: Vec::new(),
            };
            for (qt, qspan) in questions {
                if let Some(q) = self.question(qt, &qspan, lists, &mut question_names) {
                    section.questions.push(q);
                }
            }
            sections.push(section);
        }
        sections
    }

    fn unique(
        &mut self,
        seen: &mut HashMap<String, Range<usize>>,
        name: &str,
        span: &Range<usize>,
        what: Tr,
    ) -> bool {
        if let Some(first) = seen.get(name) {
            let line = self.line_of(first);
            let (zh, en) = (what.zh, what.en);
            self.error(
                span.clone(),
                tr!("{zh}名 '{name}' 重复", "duplicate {en} name '{name}'"),
                Some(tr!(
                    "第一次定义在第 {line} 行",
                    "first defined on line {line}"
                )),
            );
            return false;
        }
        seen.insert(name.to_string(), span.clone());
        true
    }

    fn question(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        lists: &BTreeMap<String, Vec<Choice>>,
        names: &mut HashMap<String, Range<usize>>,
    ) -> Option<Question> {
        const CTX: &str = "[[section.question]]";
        self.keys(table, span, QUESTION_KEYS, CTX);
        let name = self.name(table, CTX, span);
        let unique = match &name {
            Some((n, s)) => self.unique(names, n, s, tr!("问题", "question")),
            None => false,
        };
        let kind = match self.required_string(table, "type", CTX, span) {
            Some((t, tspan)) => match QuestionKind::ALL.into_iter().find(|k| k.name() == t) {
                Some(kind) => Some((kind, tspan)),
                None => {
                    let help = did_you_mean(&t, QuestionKind::ALL.map(QuestionKind::name))
                        .or_else(|| {
                            Some(tr!(
                                "可用的类型:select_one, select_multiple, yes_no, integer, decimal, text, date, note",
                                "valid types: select_one, select_multiple, yes_no, integer, decimal, text, date, note"
                            ))
                        });
                    self.error(
                        tspan,
                        tr!("未知的题型 '{t}'", "unknown question type '{t}'"),
                        help,
                    );
                    None
                }
            },
            None => None,
        };
        let label = match get(table, "label") {
            Some(v) => self.label(v, "label"),
            None => {
                self.missing(span.clone(), "label", CTX);
                None
            }
        };
        let hint = self.label_at(table, "hint");
        let required = match get(table, "required") {
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => Some((*b, v.span())),
                _ => {
                    self.wrong_type(v, "required", tr!("true 或 false", "true or false"));
                    None
                }
            },
            None => None,
        };
        let relevant = self.expression(table, "relevant");
        let constraint = self.expression(table, "constraint");
        let constraint_message = self.label_at(table, "constraint_message");
        let min = self.number(table, "min");
        let max = self.number(table, "max");
        let unit = self.label_at(table, "unit");

        let choices = match self.string(table, "choices") {
            Some((list, lspan)) => {
                if !lists.contains_key(&list) {
                    let help = did_you_mean(&list, lists.keys().map(String::as_str));
                    self.error(
                        lspan.clone(),
                        tr!("未知的选项表 '{list}'", "unknown choice list '{list}'"),
                        help.or_else(|| {
                            Some(tr!("在 [choices] 中定义它", "define it in [choices]"))
                        }),
                    );
                }
                Some((list, lspan))
            }
            None => None,
        };

        let Some((name, name_span)) = name else {
            self.unattached.extend(relevant.map(|e| (e, false)));
            self.unattached.extend(constraint.map(|e| (e, true)));
            return None;
        };
        let Some((kind, type_span)) = kind else {
            if unique {
                self.untyped.insert(name.clone());
            }
            self.unattached.extend(constraint.map(|e| (e, true)));
            // A placeholder so the name stays known; the survey is not built.
            return unique.then(|| Question {
                name,
                kind: QuestionKind::Text,
                choices: None,
                label: Label(Vec::new()),
                hint: None,
                required: false,
                relevant,
                constraint: None,
                constraint_message: None,
                min: None,
                max: None,
                unit: None,
                span: name_span,
            });
        };
        let type_name = kind.name();
        match (&choices, kind.has_choice_list()) {
            (None, true) => self.error(
                type_span.clone(),
                tr!(
                    "{type_name} 题需要 'choices'",
                    "a {type_name} question needs 'choices'"
                ),
                Some(tr!(
                    "加上 choices = \"选项表名\"",
                    "add choices = \"list name\" naming a list in [choices]"
                )),
            ),
            (Some((_, lspan)), false) => self.error(
                lspan.clone(),
                tr!(
                    "'choices' 只用于 select_one 和 select_multiple 题",
                    "'choices' is only for select_one and select_multiple questions"
                ),
                None,
            ),
            _ => {}
        }
        if kind == QuestionKind::Note {
            for key in ["required", "constraint", "min", "max", "unit"] {
                if let Some((k, _)) = table.iter().find(|(k, _)| k.get_ref() == key) {
                    if key == "required" && matches!(required, Some((false, _))) {
                        continue;
                    }
                    self.error(
                        k.span(),
                        tr!(
                            "说明(note)没有答案,不能有 '{key}'",
                            "a note is never answered and cannot have '{key}'"
                        ),
                        None,
                    );
                }
            }
        }
        for (key, value) in [("min", &min), ("max", &max)] {
            let Some((n, vspan)) = value else { continue };
            if !kind.is_numeric() {
                if kind != QuestionKind::Note {
                    self.error(
                        vspan.clone(),
                        tr!(
                            "'{key}' 只用于 integer 和 decimal 题",
                            "'{key}' is only for integer and decimal questions"
                        ),
                        None,
                    );
                }
            } else if kind == QuestionKind::Integer && n.fract() != 0.0 {
                self.error(
                    vspan.clone(),
                    tr!(
                        "整数题的 '{key}' 应为整数",
                        "'{key}' of an integer question must be a whole number"
                    ),
                    None,
                );
            }
        }
        if let (Some((lo, lo_span)), Some((hi, _))) = (&min, &max)
            && lo > hi
        {
            self.error(
                lo_span.clone(),
                tr!(
                    "min({lo})大于 max({hi})",
                    "min ({lo}) is greater than max ({hi})"
                ),
                None,
            );
        }
        if unit.is_some()
            && !kind.is_numeric()
            && kind != QuestionKind::Note
            && let Some((k, _)) = table.iter().find(|(k, _)| k.get_ref() == "unit")
        {
            self.error(
                k.span(),
                tr!(
                    "'unit' 只用于 integer 和 decimal 题",
                    "'unit' is only for integer and decimal questions"
                ),
                None,
            );
        }
        if constraint_message.is_some()
            && get(table, "constraint").is_none()
            && min.is_none()
            && max.is_none()
            && let Some((k, _)) = table
                .iter()
                .find(|(k, _)| k.get_ref() == "constraint_message")
        {
            self.warn(
                k.span(),
                tr!(
                    "没有 constraint、min 或 max,constraint_message 不会显示",
                    "constraint_message is never shown without constraint, min or max"
                ),
                None,
            );
        }
        if !unique {
            self.unattached.extend(relevant.map(|e| (e, false)));
            self.unattached.extend(constraint.map(|e| (e, true)));
            return None;
        }
        // A label with errors was reported; the question stays known.
        Some(Question {
            name,
            kind,
            choices: choices.map(|(l, _)| l),
            label: label.unwrap_or(Label(Vec::new())),
            hint,
            required: required.is_some_and(|(b, _)| b),
            relevant,
            constraint: constraint.filter(|_| kind != QuestionKind::Note),
            constraint_message,
            min: min.map(|(n, _)| n),
            max: max.map(|(n, _)| n),
            unit,
            span: name_span,
        })
    }

    fn need(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        default_category: Option<&str>,
        names: &mut HashMap<String, Range<usize>>,
    ) -> Option<Need> {
        const CTX: &str = "[[need]]";
        self.keys(table, span, NEED_KEYS, CTX);
        let name = self.name(table, CTX, span);
        let unique = match &name {
            Some((n, s)) => self.unique(names, n, s, tr!("需求规则", "need")),
            None => false,
        };
        let category = match get(table, "category") {
            Some(_) => self.category(table),
            None => match default_category {
                Some(c) => Some(c.to_string()),
                None => {
                    self.error(
                        span.clone(),
                        tr!("需求规则没有类别", "the need has no category"),
                        Some(tr!(
                            "在这里或 [survey] 中设置 category",
                            "set category here or in [survey]"
                        )),
                    );
                    None
                }
            },
        };
        if get(table, "when").is_none() {
            self.missing(span.clone(), "when", CTX);
        }
        let when = self.expression(table, "when");
        let severity = match get(table, "severity") {
            None => {
                self.missing(span.clone(), "severity", CTX);
                None
            }
            Some(v) => {
                let parsed = match v.get_ref() {
                    DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                        .ok()
                        .and_then(Severity::new),
                    _ => None,
                };
                if parsed.is_none() {
                    let raw = &self.src[v.span()];
                    self.error(
                        v.span(),
                        tr!(
                            "severity 应为 1 到 5 的整数,这里是 {raw}",
                            "severity must be an integer from 1 to 5, found {raw}"
                        ),
                        Some(tr!(
                            "1 没有问题,2 有压力,3 急难(纳入当年计划),4 严重,5 危及生命",
                            "1 no problem, 2 stressed, 3 urgent (this year's plan), 4 acute, 5 life-safety"
                        )),
                    );
                }
                parsed
            }
        };
        let project = self.label_at(table, "project");
        if get(table, "project").is_none() {
            let shown = name.as_ref().map_or("", |(n, _)| n.as_str());
            self.warn(
                span.clone(),
                tr!(
                    "需求规则 '{shown}' 没有 project,规划人员将看到规则名",
                    "need '{shown}' has no project label; planners will see the rule name"
                ),
                None,
            );
        }
        let unit_cost = self.number(table, "unit_cost");
        if let Some((cost, cspan)) = &unit_cost
            && *cost < 0.0
        {
            self.error(
                cspan.clone(),
                tr!("unit_cost 不能为负数", "unit_cost must not be negative"),
                None,
            );
        }
        match (name, category, when, severity) {
            (Some((name, _)), Some(category), Some(when), Some(severity)) if unique => Some(Need {
                name,
                category,
                when,
                severity,
                project,
                unit_cost: unit_cost.map(|(c, _)| c),
            }),
            (_, _, when, _) => {
                self.unattached.extend(when.map(|e| (e, false)));
                None
            }
        }
    }

    /// Checks every expression against the finished survey, now that every
    /// question name is known (a `relevant` may name a later question).
    fn check_expressions(&mut self, survey: &Survey) {
        let lists = &survey.choice_lists;
        let yes_no_names: Vec<String> = vec!["yes".into(), "no".into()];
        let list_names: BTreeMap<&str, Vec<String>> = lists
            .iter()
            .map(|(k, v)| (k.as_str(), v.iter().map(|c| c.name.clone()).collect()))
            .collect();
        let mut types: BTreeMap<&str, Ty<'_>> = BTreeMap::new();
        for q in survey.sections.iter().flat_map(|s| &s.questions) {
            let list = |name: &Option<String>| {
                name.as_deref().and_then(|n| {
                    list_names.get_key_value(n).map(|(k, names)| ChoiceList {
                        name: k,
                        names: names.as_slice(),
                    })
                })
            };
            let ty = match q.kind {
                _ if self.untyped.contains(&q.name) => Ty::Any,
                QuestionKind::SelectOne => list(&q.choices).map_or(Ty::Any, Ty::Choice),
                QuestionKind::SelectMultiple => list(&q.choices).map_or(Ty::Any, Ty::Multi),
                QuestionKind::YesNo => Ty::Choice(ChoiceList {
                    name: "yes_no",
                    names: &yes_no_names,
                }),
                QuestionKind::Integer | QuestionKind::Decimal => Ty::Number,
                QuestionKind::Text => Ty::Text,
                QuestionKind::Date => Ty::Date,
                QuestionKind::Note => Ty::Note,
            };
            types.insert(q.name.as_str(), ty);
        }
        let mut problems: Vec<(Range<usize>, ExprError)> = Vec::new();
        let mut run = |e: &Expression, dot: Option<Ty<'_>>| {
            let scope = Scope {
                questions: &types,
                dot,
            };
            for err in check(&e.ast, &scope, true) {
                problems.push((e.span.clone(), err));
            }
        };
        for section in &survey.sections {
            if let Some(e) = &section.relevant {
                run(e, None);
            }
            for q in &section.questions {
                if let Some(e) = &q.relevant {
                    run(e, None);
                }
            }
        }
        for need in &survey.needs {
            run(&need.when, None);
        }
        for q in survey.questions() {
            if let Some(e) = &q.constraint {
                run(e, types.get(q.name.as_str()).copied());
            }
        }
        for (e, constraint) in &self.unattached {
            run(e, constraint.then_some(Ty::Any));
        }
        for (value_span, err) in problems {
            self.expr_error(&value_span, err);
        }
    }

    /// Relevance must be computable in some order: a question cannot be
    /// shown or hidden by its own answer, directly or through others.
    fn check_cycles(&mut self, survey: &Survey) {
        let index: HashMap<&str, usize> = survey
            .questions()
            .enumerate()
            .map(|(i, q)| (q.name.as_str(), i))
            .collect();
        // edges[q] = (question it depends on, file span of the reference)
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); index.len()];
        let mut i = 0;
        for section in &survey.sections {
            for q in &section.questions {
                for e in section.relevant.iter().chain(q.relevant.iter()) {
                    for (name, span) in e.ast.question_refs() {
                        if let Some(&j) = index.get(name) {
                            edges[i].push((j, map_span(self.src, &e.span, span)));
                        }
                    }
                }
                i += 1;
            }
        }
        let names: Vec<&str> = survey.questions().map(|q| q.name.as_str()).collect();
        let mut state = vec![0u8; names.len()]; // 0 new, 1 on stack, 2 done
        let mut reported: HashSet<Vec<usize>> = HashSet::new();
        for start in 0..names.len() {
            if state[start] != 0 {
                continue;
            }
            // Iterative DFS: (node, next edge index); the path is the stack.
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some((to, span)) = edges[node].get(*next).cloned() {
                    *next += 1;
                    match state[to] {
                        0 => {
                            state[to] = 1;
                            stack.push((to, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                            let cycle: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                            let mut key = cycle.clone();
                            key.sort_unstable();
                            if reported.insert(key) {
                                let mut path: Vec<&str> = cycle.iter().map(|&n| names[n]).collect();
                                path.push(names[to]);
                                let path = path.join(" → ");
                                self.error(
                                    span,
                                    tr!("relevant 形成循环:{path}", "relevance forms a cycle: {path}"),
                                    Some(tr!(
                                        "一道题的显示不能取决于它自己的答案(直接或经由其他题)",
                                        "a question cannot be shown or hidden by its own answer, directly or through other questions"
                                    )),
                                );
                            }
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// Only on files without errors: a list left unused by a broken
    /// question would repeat that question's error.
    fn check_unused_lists(&mut self, survey: &Survey, root: &DeTable<'_>) {
        if self.diags.iter().any(|d| d.level == Level::Error) {
            return;
        }
        let Some(DeValue::Table(table)) = get(root, "choices").map(|v| v.get_ref()) else {
            return;
        };
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if survey
                .questions()
                .all(|q| q.choices.as_deref() != Some(name))
            {
                self.warn(
                    key.span(),
                    tr!(
                        "选项表 '{name}' 没有被任何问题使用",
                        "choice list '{name}' is not used by any question"
                    ),
                    None,
                );
            }
        }
    }
}

/// Maps a span inside an expression to its place in the file. Where the TOML
/// string has escapes, positions inside it cannot be mapped exactly, and the
/// whole value is pointed at instead.
fn map_span(src: &str, value_span: &Range<usize>, inner: Range<usize>) -> Range<usize> {
    let raw = &src[value_span.clone()];
    let content_start = if let Some(rest) = raw.strip_prefix("'''") {
        Some(3 + newline_len(rest))
    } else if let Some(rest) = raw.strip_prefix("\"\"\"") {
        (!raw.contains('\\')).then(|| 3 + newline_len(rest))
    } else if raw.starts_with('\'') || (raw.starts_with('"') && !raw.contains('\\')) {
        Some(1)
    } else {
        None
    };
    match content_start {
        Some(offset) => {
            let base = value_span.start + offset;
            base + inner.start..base + inner.end
        }
        None => value_span.clone(),
    }
}

fn newline_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with('\n') {
        1
    } else {
        0
    }
}
