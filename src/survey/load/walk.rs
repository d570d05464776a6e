//! Walking the questionnaire's tables: choice lists, sections and their
//! questions, each read field by field into the survey model.

use super::*;

impl Loader<'_> {
    /// The elements of an array of tables such as `[[section]]`.
    pub(super) fn array_of_tables<'t, 'i>(
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

    pub(super) fn choice_lists(&mut self, root: &DeTable<'_>) -> BTreeMap<String, Vec<Choice>> {
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
            if let Some(choices) = self.choice_list(&list_name, value) {
                lists.insert(list_name, choices);
            }
        }
        lists
    }

    /// The choices of one list of `[choices]`; `None` when it is not an
    /// array.
    fn choice_list(&mut self, list_name: &str, value: &Value<'_>) -> Option<Vec<Choice>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, list_name, tr!("选项的数组", "an array of choices"));
            return None;
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
            choices.extend(self.choice(list_name, item, &mut seen));
        }
        Some(choices)
    }

    /// One choice of a list, unless it is reported: not a table, without a
    /// name, a name that cannot be an answer, or a name `seen` before.
    fn choice(
        &mut self,
        list_name: &str,
        item: &Value<'_>,
        seen: &mut HashMap<String, Range<usize>>,
    ) -> Option<Choice> {
        let DeValue::Table(t) = item.get_ref() else {
            self.wrong_type(
                item,
                list_name,
                tr!(
                    "{{ name = …, label = … }} 形式的选项",
                    "a choice {{ name = …, label = … }}"
                ),
            );
            return None;
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
        let (name, name_span) = name?;
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains(['\'', '"']) {
            self.error(
                name_span,
                tr!("选项名 '{name}' 无效", "invalid choice name '{name}'"),
                Some(tr!(
                    "选项名不能为空,不能含空格或引号(多选答案用空格分隔)",
                    "a choice name must not be empty or contain spaces or quotes (multiple answers are separated by spaces)"
                )),
            );
            return None;
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
            return None;
        }
        seen.insert(name.clone(), name_span);
        // A label with errors was reported; the choice stays known.
        let label = label.unwrap_or(Label(Vec::new()));
        Some(Choice { name, label })
    }

    pub(super) fn sections(
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
            let roster = self.roster(table);
            if let (Some(_), Some((name, _))) = (&roster, &name) {
                self.rosters.push(name.clone());
            }
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
                roster,
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

    pub(super) fn unique(
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

    pub(super) fn question(
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
        let kind = self.question_kind(table, span, CTX);
        let calculating = kind
            .as_ref()
            .is_some_and(|(k, _)| *k == QuestionKind::Calculate);
        let (label, calculation) = self.label_and_calculation(table, span, calculating);
        let hint = self.label_at(table, "hint");
        let required = self.required_flag(table);
        let relevant = self.expression(table, "relevant");
        let constraint = self.expression(table, "constraint");
        let constraint_message = self.label_at(table, "constraint_message");
        let min = self.number(table, "min");
        let max = self.number(table, "max");
        let unit = self.label_at(table, "unit");
        let choices = self.choice_list_ref(table, lists);
        let special = self.special(table, kind.as_ref().map(|(k, _)| *k));

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
            return unique.then(|| placeholder(name, relevant, name_span));
        };
        self.check_choices_key(kind, &type_span, choices.as_ref());
        if !kind.is_answered() {
            self.check_unanswered_keys(table, kind, required.as_ref().map(|(b, _)| *b));
        }
        self.check_calculation_key(table, kind);
        self.check_bounds(kind, min.as_ref(), max.as_ref());
        self.check_unit(table, kind, unit.is_some());
        if constraint_message.is_some() && min.is_none() && max.is_none() {
            self.check_constraint_message(table);
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
            constraint: constraint.filter(|_| kind.is_answered()),
            constraint_message,
            min: min.map(|(n, _)| n),
            max: max.map(|(n, _)| n),
            unit,
            calculation: calculation.filter(|_| kind == QuestionKind::Calculate),
            special,
            span: name_span,
        })
    }

    /// A question's label (a calculation needs none; given one, the
    /// review shows it) and its calculation (a `calculate` needs one).
    fn label_and_calculation(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        calculating: bool,
    ) -> (Option<Label>, Option<Expression>) {
        const CTX: &str = "[[section.question]]";
        let label = match get(table, "label") {
            Some(v) => self.label(v, "label"),
            None if calculating => None,
            None => {
                self.missing(span.clone(), "label", CTX);
                None
            }
        };
        let calculation = self.expression(table, "calculation");
        if calculating && calculation.is_none() && get(table, "calculation").is_none() {
            self.missing(span.clone(), "calculation", CTX);
        }
        (label, calculation)
    }

    /// `calculation` only on a `calculate` question.
    fn check_calculation_key(&mut self, table: &DeTable<'_>, kind: QuestionKind) {
        if kind != QuestionKind::Calculate
            && let Some((k, _)) = table.iter().find(|(k, _)| k.get_ref() == "calculation")
        {
            self.error(
                k.span(),
                tr!(
                    "'calculation' 只用于 type = \"calculate\" 的题",
                    "'calculation' is only for questions of type = \"calculate\""
                ),
                Some(tr!(
                    "把 type 改为 \"calculate\",或删掉 calculation",
                    "make the type \"calculate\", or remove calculation"
                )),
            );
        }
    }

    /// A question's `type`, one of [`QuestionKind::ALL`].
    fn question_kind(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        context: &str,
    ) -> Option<(QuestionKind, Range<usize>)> {
        let (t, tspan) = self.required_string(table, "type", context, span)?;
        if let Some(kind) = QuestionKind::ALL.into_iter().find(|k| k.name() == t) {
            return Some((kind, tspan));
        }
        // XLSForm writes the list in the type: "select_one food".
        let xlsform = t.split_once(' ').and_then(|(kind, list)| {
            let list = list.trim();
            (matches!(kind, "select_one" | "select_multiple") && !list.is_empty()).then(|| {
                tr!(
                    "选项表另写一行:type = \"{kind}\" 加上 choices = \"{list}\"",
                    "the list has its own key: type = \"{kind}\" and choices = \"{list}\""
                )
            })
        });
        let help = xlsform
            .or_else(|| did_you_mean(&t, QuestionKind::ALL.map(QuestionKind::name)))
            .or_else(|| {
                let all = QuestionKind::ALL.map(QuestionKind::name).join(", ");
                Some(tr!("可用的类型:{all}", "valid types: {all}"))
            });
        self.error(
            tspan,
            tr!("未知的题型 '{t}'", "unknown question type '{t}'"),
            help,
        );
        None
    }

    /// A question's `required`, a boolean.
    fn required_flag(&mut self, table: &DeTable<'_>) -> Option<(bool, Range<usize>)> {
        let v = get(table, "required")?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some((*b, v.span())),
            _ => {
                self.wrong_type(v, "required", tr!("true 或 false", "true or false"));
                None
            }
        }
    }

    /// A question's `choices`: the name of a list of `[choices]`, reported
    /// when there is no such list.
    fn choice_list_ref(
        &mut self,
        table: &DeTable<'_>,
        lists: &BTreeMap<String, Vec<Choice>>,
    ) -> Option<(String, Range<usize>)> {
        let (list, lspan) = self.string(table, "choices")?;
        if !lists.contains_key(&list) {
            let help = did_you_mean(&list, lists.keys().map(String::as_str));
            self.error(
                lspan.clone(),
                tr!("未知的选项表 '{list}'", "unknown choice list '{list}'"),
                help.or_else(|| Some(tr!("在 [choices] 中定义它", "define it in [choices]"))),
            );
        }
        Some((list, lspan))
    }

    /// `choices` is given exactly when the question's type chooses from a
    /// list.
    fn check_choices_key(
        &mut self,
        kind: QuestionKind,
        type_span: &Range<usize>,
        choices: Option<&(String, Range<usize>)>,
    ) {
        let type_name = kind.name();
        match (choices, kind.has_choice_list()) {
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
    }

    /// A note is never answered: no key about its answer (but
    /// `required = false`, which says just that).
    /// A note or a calculation is never answered: the keys of an answer
    /// are mistakes.
    fn check_unanswered_keys(
        &mut self,
        table: &DeTable<'_>,
        kind: QuestionKind,
        required: Option<bool>,
    ) {
        for key in ["required", "constraint", "min", "max", "unit"] {
            if let Some((k, _)) = table.iter().find(|(k, _)| k.get_ref() == key) {
                if key == "required" && required == Some(false) {
                    continue;
                }
                let message = if kind == QuestionKind::Calculate {
                    tr!(
                        "计算题(calculate)由答案算出,不能有 '{key}'",
                        "a calculation is computed, never answered, and cannot have '{key}'"
                    )
                } else {
                    tr!(
                        "说明(note)没有答案,不能有 '{key}'",
                        "a note is never answered and cannot have '{key}'"
                    )
                };
                self.error(k.span(), message, None);
            }
        }
    }

    /// `min` and `max` only on numeric questions, whole on integer ones,
    /// and in order.
    fn check_bounds(
        &mut self,
        kind: QuestionKind,
        min: Option<&(f64, Range<usize>)>,
        max: Option<&(f64, Range<usize>)>,
    ) {
        for (key, value) in [("min", min), ("max", max)] {
            let Some((n, vspan)) = value else { continue };
            if !kind.is_numeric() {
                if kind.is_answered() {
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
        if let (Some((lo, lo_span)), Some((hi, _))) = (min, max)
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
    }

    /// `unit` only on numeric questions (a note reports it already).
    fn check_unit(&mut self, table: &DeTable<'_>, kind: QuestionKind, has_unit: bool) {
        if has_unit
            && !kind.is_numeric()
            && kind.is_answered()
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
    }

    /// A `constraint_message` of a question without `min` or `max` is
    /// shown only by a `constraint`.
    fn check_constraint_message(&mut self, table: &DeTable<'_>) {
        if get(table, "constraint").is_none()
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
    }
}
