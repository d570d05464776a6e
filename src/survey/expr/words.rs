//! A condition read aloud: an expression in words, with the questions'
//! and the choices' labels in place of their names, for the people who
//! explain a ranking at a meeting (住房鉴定等级 = D级 且 …), never for
//! evaluating it.

use super::{BinOp, Expr, ExprKind, Func, HouseholdField};
use crate::i18n::{Lang, Tr};
use crate::survey::Survey;

/// The expression in words in both languages, read against `survey`.
pub fn words(expr: &Expr, survey: &Survey) -> Tr {
    Tr {
        zh: Words {
            survey,
            lang: Lang::Zh,
        }
        .expr(expr),
        en: Words {
            survey,
            lang: Lang::En,
        }
        .expr(expr),
    }
}

struct Words<'a> {
    survey: &'a Survey,
    lang: Lang,
}

/// The question an operand reads, if it is one.
fn asked(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Question(q) => Some(q.as_str()),
        _ => None,
    }
}

impl Words<'_> {
    fn say(&self, zh: &str, en: &str) -> String {
        match self.lang {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }

    /// A question's label, without its closing question mark.
    fn question(&self, name: &str) -> String {
        match self.survey.question(name) {
            // A calculation may have no label: its name, then.
            Some(q) if !q.label.is_empty() => {
                // A roster's label names its row: here, any row.
                let row = self.say("本行", "this row");
                let label = q.label.get(self.lang).replace("{row}", &row);
                label.trim_end().trim_end_matches(['?', '?']).to_string()
            }
            _ => match self.survey.roster(name).and_then(|r| r.label.as_ref()) {
                Some(label) => label.get(self.lang).to_string(),
                None => name.to_string(),
            },
        }
    }

    /// A choice of `question` by its label, else the text quoted.
    fn choice(&self, question: Option<&str>, text: &str) -> String {
        let label = question
            .and_then(|q| self.survey.question(q))
            .and_then(|q| self.survey.choices_of(q).iter().find(|c| c.name == text))
            .map(|c| c.label.get(self.lang).to_string());
        label.unwrap_or_else(|| match self.lang {
            Lang::Zh => format!("“{text}”"),
            Lang::En => format!("\"{text}\""),
        })
    }

    fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Number(n) => format!("{n}"),
            ExprKind::Text(t) => self.choice(None, t),
            ExprKind::Bool(true) => self.say("是", "true"),
            ExprKind::Bool(false) => self.say("否", "false"),
            ExprKind::Question(name) => self.question(name),
            ExprKind::Household(field) => match field {
                HouseholdField::Members => self.say("家庭人口", "household members"),
                HouseholdField::Code => self.say("户编码", "household code"),
                HouseholdField::Head => self.say("户主", "head of household"),
                HouseholdField::Phone => self.say("电话", "phone"),
                HouseholdField::Cadre => self.say("联户干部", "linked cadre"),
                HouseholdField::Village => self.say("所在村", "village"),
                HouseholdField::Township => self.say("所在乡镇", "township"),
                HouseholdField::Group => self.say("所在组", "group"),
            },
            ExprKind::Dot => self.say("本题答案", "this answer"),
            ExprKind::Neg(inner) => format!("-{}", self.operand(inner, 7)),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
            ExprKind::Call(func, args) => self.call(*func, args),
        }
    }

    /// An operand, in parentheses when it binds looser than `within`.
    fn operand(&self, e: &Expr, within: u8) -> String {
        match &e.kind {
            ExprKind::Binary(op, ..) if op.precedence() < within => format!("({})", self.expr(e)),
            _ => self.expr(e),
        }
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> String {
        let p = op.precedence();
        // A choice question compared with a text: the text is a choice.
        let side = |e: &Expr, other: &Expr| match &e.kind {
            ExprKind::Text(t) => self.choice(asked(other), t),
            _ => self.operand(e, p + 1),
        };
        let empty = |e: &Expr| matches!(&e.kind, ExprKind::Text(t) if t.is_empty());
        match op {
            BinOp::Eq if empty(b) => format!(
                "{}{}",
                self.operand(a, p),
                self.say("未答", " is unanswered")
            ),
            BinOp::Ne if empty(b) => {
                format!("{}{}", self.operand(a, p), self.say("已答", " is answered"))
            }
            BinOp::And | BinOp::Or => {
                let word = match (op, self.lang) {
                    (BinOp::And, Lang::Zh) => "且",
                    (BinOp::And, Lang::En) => "and",
                    (_, Lang::Zh) => "或",
                    (_, Lang::En) => "or",
                };
                format!("{} {word} {}", self.operand(a, p), self.operand(b, p + 1))
            }
            _ => {
                let symbol = match op {
                    BinOp::Ne => "≠",
                    BinOp::Le => "≤",
                    BinOp::Ge => "≥",
                    BinOp::Mul => "×",
                    BinOp::Div => "÷",
                    other => other.symbol(),
                };
                format!("{} {symbol} {}", side(a, b), side(b, a))
            }
        }
    }

    /// An aggregate over a roster's rows in words.
    fn aggregate(&self, func: Func, arg: &dyn Fn(usize) -> String) -> String {
        match func {
            Func::Count => match self.lang {
                Lang::Zh => format!("{}的人数", arg(0)),
                Lang::En => format!("the number of {}", arg(0)),
            },
            Func::Sum => match self.lang {
                Lang::Zh => format!("各行{}之和", arg(0)),
                Lang::En => format!("the total of {}", arg(0)),
            },
            Func::Min => match self.lang {
                Lang::Zh => format!("各行{}中最小的", arg(0)),
                Lang::En => format!("the least {}", arg(0)),
            },
            Func::Max => match self.lang {
                Lang::Zh => format!("各行{}中最大的", arg(0)),
                Lang::En => format!("the greatest {}", arg(0)),
            },
            Func::CountIf => match self.lang {
                Lang::Zh => format!("{}中{}的人数", arg(0), arg(1)),
                Lang::En => format!("the number of {} where {}", arg(0), arg(1)),
            },
            Func::IndexedRepeat => match self.lang {
                Lang::Zh => format!("第 {} 行的{}", arg(2), arg(0)),
                Lang::En => format!("{} of row {}", arg(0), arg(2)),
            },
            _ => String::new(),
        }
    }

    fn call(&self, func: Func, args: &[Expr]) -> String {
        let arg = |n: usize| args.get(n).map_or(String::new(), |a| self.expr(a));
        match func {
            Func::Not => match self.lang {
                Lang::Zh => format!("并非({})", arg(0)),
                Lang::En => format!("not ({})", arg(0)),
            },
            Func::Selected => {
                let question = args.first().and_then(|a| match &a.kind {
                    ExprKind::Question(q) => Some(q.as_str()),
                    _ => None,
                });
                let choice = match args.get(1).map(|a| &a.kind) {
                    Some(ExprKind::Text(t)) => self.choice(question, t),
                    _ => arg(1),
                };
                match self.lang {
                    Lang::Zh => format!("{}选了{choice}", arg(0)),
                    Lang::En => format!("{} includes {choice}", arg(0)),
                }
            }
            Func::CountSelected => match self.lang {
                Lang::Zh => format!("{}选了的项数", arg(0)),
                Lang::En => format!("the number ticked in {}", arg(0)),
            },
            Func::StringLength => match self.lang {
                Lang::Zh => format!("{}的字数", arg(0)),
                Lang::En => format!("the length of {}", arg(0)),
            },
            Func::If => match self.lang {
                Lang::Zh => format!("如果{}则{},否则{}", arg(0), arg(1), arg(2)),
                Lang::En => format!("if {} then {}, else {}", arg(0), arg(1), arg(2)),
            },
            Func::Coalesce => match self.lang {
                Lang::Zh => format!("{}(未答时为 {})", arg(0), arg(1)),
                Lang::En => format!("{} ({} if unanswered)", arg(0), arg(1)),
            },
            Func::Today => self.say("调查当天", "the day of the interview"),
            Func::Now => self.say("调查开始时", "when the interview began"),
            Func::Regex => match self.lang {
                Lang::Zh => format!("{}符合格式 {}", arg(0), arg(1)),
                Lang::En => format!("{} matches {}", arg(0), arg(1)),
            },
            Func::Int => match self.lang {
                Lang::Zh => format!("{}的整数部分", arg(0)),
                Lang::En => format!("the whole part of {}", arg(0)),
            },
            Func::Round => match self.lang {
                Lang::Zh => format!("{}四舍五入", arg(0)),
                Lang::En => format!("{} rounded", arg(0)),
            },
            Func::Abs => match self.lang {
                Lang::Zh => format!("{}的绝对值", arg(0)),
                Lang::En => format!("the absolute value of {}", arg(0)),
            },
            Func::Concat => (0..args.len()).map(arg).collect::<Vec<_>>().join(" + "),
            Func::String | Func::Number | Func::Date => arg(0),
            Func::Count
            | Func::Sum
            | Func::Min
            | Func::Max
            | Func::CountIf
            | Func::IndexedRepeat => self.aggregate(func, &arg),
            Func::Position => self.say("行号", "the row number"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::bundled::BUNDLED;
    use crate::survey::load;

    fn survey(id: &str) -> Survey {
        let (_, text) = BUNDLED
            .iter()
            .find(|(p, _)| p.contains(id))
            .expect("bundled");
        load(text).survey.expect("loads")
    }

    fn rule(survey: &Survey, name: &str) -> Tr {
        let need = survey.needs.iter().find(|n| n.name == name).expect("rule");
        words(&need.when.ast, survey)
    }

    #[test]
    fn conditions_read_with_the_labels_of_questions_and_choices() {
        let water = survey("water");
        let far = rule(&water, "water_far");
        assert_eq!(
            far.en,
            format!(
                "{} > 20 or {} > 80",
                question_label(&water, "fetch_minutes", Lang::En),
                question_label(&water, "fetch_climb_m", Lang::En)
            )
        );
        let illness = rule(&water, "water_illness");
        assert_eq!(
            illness.zh,
            format!(
                "{}选了喝后有人腹泻或生病",
                question_label(&water, "quality_problems", Lang::Zh)
            )
        );
        assert!(!illness.zh.contains("${") && !illness.en.contains('\''));
    }

    fn question_label(s: &Survey, name: &str, lang: Lang) -> String {
        let label = s.question(name).expect("question").label.get(lang);
        label.trim_end_matches(['?', '?']).to_string()
    }

    #[test]
    fn a_choice_compared_reads_as_its_label_and_an_empty_answer_in_words() {
        let housing = survey("housing");
        for need in &housing.needs {
            let said = words(&need.when.ast, &housing);
            assert!(
                !said.zh.contains("${") && !said.en.contains("${"),
                "{}",
                said.zh
            );
        }
        let expr = crate::survey::expr::parse("${remarks} = '' and not(${urgency} = 'high')")
            .expect("parses");
        let roads = survey("roads");
        let said = words(&expr, &roads);
        assert_eq!(
            said.zh,
            format!(
                "{}未答 且 并非({} = 很急,天天受影响)",
                question_label(&roads, "remarks", Lang::Zh),
                question_label(&roads, "urgency", Lang::Zh)
            )
        );
    }
}
