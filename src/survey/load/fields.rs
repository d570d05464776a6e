//! Reading one field of a questionnaire table: a string, a name, a number,
//! a two-language label, an expression; each wrong field is reported with
//! its span and the loader goes on.

use super::*;

impl Loader<'_> {
    /// Reports every key of `table` (whose header is at `span`) not in `allowed`.
    pub(super) fn keys(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        allowed: &[&str],
        context: &str,
    ) {
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

    pub(super) fn missing(&mut self, span: Range<usize>, key: &str, context: &str) {
        if self.typos.contains(&(span.start, key.to_string())) {
            return;
        }
        self.error(
            span,
            tr!("{context} 缺少 '{key}'", "missing '{key}' in {context}"),
            None,
        );
    }

    pub(super) fn wrong_type(&mut self, v: &Value<'_>, key: &str, expected: Tr) {
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

    pub(super) fn string(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
    ) -> Option<(String, Range<usize>)> {
        let v = get(table, key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            _ => {
                self.wrong_type(v, key, tr!("文字", "text"));
                None
            }
        }
    }

    pub(super) fn required_string(
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

    pub(super) fn name(
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

    pub(super) fn number(&mut self, table: &DeTable<'_>, key: &str) -> Option<(f64, Range<usize>)> {
        let v = get(table, key)?;
        match number(v.get_ref()) {
            Some(n) => Some((n, v.span())),
            None => {
                self.wrong_type(v, key, tr!("数字", "a number"));
                None
            }
        }
    }

    pub(super) fn label_at(&mut self, table: &DeTable<'_>, key: &str) -> Option<Label> {
        get(table, key).and_then(|v| self.label(v, key))
    }

    /// Keeps the `${...}` of a label's text, to be checked once every
    /// question is known.
    pub(super) fn note_refs(&mut self, text: &str, span: Range<usize>) {
        for name in crate::survey::template::refs(text) {
            self.label_refs.push((name.to_string(), span.clone()));
        }
    }

    /// A label: one string for every language, or a table language → string.
    pub(super) fn label(&mut self, v: &Value<'_>, key: &str) -> Option<Label> {
        let default = self.languages[0].clone();
        match v.get_ref() {
            DeValue::String(s) => {
                self.note_refs(s, v.span());
                Some(Label(vec![(default, s.to_string())]))
            }
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
                        DeValue::String(s) => {
                            self.note_refs(s, text.span());
                            texts.push((code.to_string(), s.to_string()));
                        }
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
    pub(super) fn expression(&mut self, table: &DeTable<'_>, key: &str) -> Option<Expression> {
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
    pub(super) fn expr_error(&mut self, value_span: &Range<usize>, e: ExprError) {
        let span = map_span(self.src, value_span, e.span);
        self.error(span, e.message, e.help);
    }

    pub(super) fn expr_warning(&mut self, value_span: &Range<usize>, e: ExprError) {
        let span = map_span(self.src, value_span, e.span);
        self.warn(span, e.message, e.help);
    }

    pub(super) fn category(&mut self, table: &DeTable<'_>) -> Option<String> {
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

    pub(super) fn yes_no(&self) -> Vec<Choice> {
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
}

pub(super) fn type_name(v: &DeValue<'_>) -> Tr {
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

pub(super) fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

pub(super) fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// Maps a span inside an expression to its place in the file. Where the TOML
/// string has escapes, positions inside it cannot be mapped exactly, and the
/// whole value is pointed at instead.
pub(super) fn map_span(src: &str, value_span: &Range<usize>, inner: Range<usize>) -> Range<usize> {
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

pub(super) fn newline_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with('\n') {
        1
    } else {
        0
    }
}

/// A question whose type could not be read: it keeps its name known (and
/// its `relevant` checked), and the survey is not built.
pub(super) fn placeholder(
    name: String,
    relevant: Option<Expression>,
    span: Range<usize>,
) -> Question {
    Question {
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
        calculation: None,
        special: Vec::new(),
        span,
    }
}

#[cfg(test)]
impl Label {
    /// One text for every language, as a label written as one string.
    pub(crate) fn plain(text: &str) -> Label {
        Label(vec![("zh".into(), text.into())])
    }
}
