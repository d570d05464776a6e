//! Checks of what reads a roster: `count`, `sum`, `min`, `max`,
//! `count-if`, `indexed-repeat` and `position(..)`.

use super::*;

impl<'a> Checker<'_, '_, 'a> {
    /// Checks an aggregate and gives its type.
    pub(super) fn aggregate(&mut self, func: Func, args: &[Expr]) -> Ty<'a> {
        match func {
            Func::Count => {
                self.roster_arg(func, &args[0]);
                Ty::Number
            }
            Func::CountIf => {
                if let Some(roster) = self.roster_arg(func, &args[0]) {
                    let scope = Scope {
                        questions: self.scope.questions,
                        dot: self.scope.dot,
                        rosters: self.scope.rosters,
                        within: Some(roster),
                    };
                    let found = check_all(&args[1], &scope, true);
                    self.errors.extend(found.errors);
                    self.warnings.extend(found.warnings);
                } else {
                    self.infer(&args[1]);
                }
                Ty::Number
            }
            Func::Sum | Func::Min | Func::Max => {
                let ty = self.row_question(func, &args[0]).1;
                match (func, ty) {
                    (_, Ty::Any | Ty::Number) => {}
                    (Func::Min | Func::Max, Ty::Date) => {}
                    _ => self.expect_number(&args[0], ty),
                }
                ty
            }
            Func::IndexedRepeat => {
                let (roster, ty) = self.row_question(func, &args[0]);
                if let Some(named) = self.roster_arg(func, &args[1])
                    && let Some(roster) = roster
                    && named != roster
                {
                    let q = question_name(&args[0]);
                    self.error(
                        &args[1],
                        tr!(
                            "'{q}' 属于名单 '{roster}',不属于 '{named}'",
                            "'{q}' belongs to roster '{roster}', not '{named}'"
                        ),
                        None,
                    );
                }
                let n = self.infer(&args[2]);
                self.expect_number(&args[2], n);
                ty
            }
            _ => Ty::Any,
        }
    }

    /// The roster an aggregate's argument names, reported when it names
    /// none.
    fn roster_arg(&mut self, func: Func, arg: &Expr) -> Option<&'a str> {
        let fname = func.name();
        if let ExprKind::Question(name) = &arg.kind
            && self.scope.is_roster(name)
        {
            return self.scope.rosters.get(name.as_str()).copied();
        }
        let help = match &arg.kind {
            ExprKind::Question(name) => match self.scope.rosters.get(name.as_str()) {
                Some(roster) => {
                    let rest = if func == Func::CountIf { ", ..." } else { "" };
                    Some(tr!(
                        "'{name}' 是名单 '{roster}' 里的问题;写 {fname}(${{{roster}}}{rest})",
                        "'{name}' is a question of roster '{roster}'; write {fname}(${{{roster}}}{rest})"
                    ))
                }
                None => Some(tr!(
                    "名单是带 repeat_count 的 [[section]],用它的 name",
                    "a roster is a [[section]] with repeat_count; use its name"
                )),
            },
            _ => None,
        };
        self.error(
            arg,
            tr!(
                "{fname}() 需要一个名单,例如 ${{children}}",
                "{fname}() needs a roster, such as ${{children}}"
            ),
            help,
        );
        None
    }

    /// The roster and type of a roster question an aggregate reads,
    /// reported when it is not one.
    fn row_question(&mut self, func: Func, arg: &Expr) -> (Option<&'a str>, Ty<'a>) {
        let fname = func.name();
        if let ExprKind::Question(name) = &arg.kind {
            if let (Some(roster), Some(ty)) = (
                self.scope.rosters.get(name.as_str()).copied(),
                self.scope.questions.get(name.as_str()).copied(),
            ) {
                return (Some(roster), ty);
            }
            if self.scope.questions.contains_key(name.as_str()) {
                self.error(
                    arg,
                    tr!(
                        "{fname}() 汇总名单各行的答案,'{name}' 不在名单里",
                        "{fname}() sums up a roster's rows, but '{name}' is not in a roster"
                    ),
                    Some(tr!("直接写 ${{{name}}}", "write ${{{name}}} on its own")),
                );
                return (None, Ty::Any);
            }
            // An unknown name or a roster: reported as such.
            self.question(arg, name);
            return (None, Ty::Any);
        }
        self.error(
            arg,
            tr!(
                "{fname}() 需要名单里的一个问题,例如 ${{age}}",
                "{fname}() needs a question of a roster, such as ${{age}}"
            ),
            None,
        );
        (None, Ty::Any)
    }
}

fn question_name(e: &Expr) -> &str {
    match &e.kind {
        ExprKind::Question(q) => q,
        _ => "...",
    }
}
