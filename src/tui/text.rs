//! Every string the terminal app shows, in Chinese and English. A string
//! is a variant of [`T`] with both texts beside it, so a missing
//! translation does not compile, and a test checks that none is empty.

use crate::i18n::Lang;

macro_rules! texts {
    ($($name:ident => $zh:literal, $en:literal;)*) => {
        /// A user-visible string of the app.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($name),* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$name),*];

            /// (Chinese, English).
            pub fn pair(self) -> (&'static str, &'static str) {
                match self { $(T::$name => ($zh, $en)),* }
            }
        }
    };
}

impl T {
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = self.pair();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

texts! {
    App => "民情", "Minqing";
    TabVillages => "村", "Villages";
    TabSurveys => "问卷", "Surveys";
    Township => "乡镇", "Township";
    Village => "村", "Village";
    Registered => "户数", "Households";
    AllComplete => "全部完成", "All done";
    Drafts => "有草稿", "Drafts";
    Coverage => "完成比例", "Coverage";
    Code => "户编码", "Code";
    Group => "组", "Group";
    Head => "户主", "Head";
    Members => "人口", "Members";
    Phone => "电话", "Phone";
    Cadre => "联户干部", "Cadre";
    CadreCode => "干部编号", "Cadre code";
    WorkUnit => "工作单位", "Work unit";
    Notes => "备注", "Notes";
    NotStarted => "未", "-";
    Draft => "草稿", "draft";
    Complete => "完成", "done";
    Filter => "筛选", "Filter";
    Search => "搜索", "Search";
    NoVillages => "还没有农户。用 minqing households import 导入名册,或按 a 添加。", "No households yet. Import the registry with minqing households import, or press a to add one.";
    NoHouseholds => "这个村没有符合条件的农户。", "No household matches in this village.";
    Interviewer => "调查员", "Interviewer";
    Round => "轮次", "Round";
    AskName => "请输入调查员姓名(以后在村页按 n 可以修改):", "Interviewer's name (n on the Villages page changes it later):";
    AskNameKeys => "回车 保存", "Enter save";
    ChangeName => "调查员姓名(以后保存的答案记在这个名字下,已保存的不变):", "Interviewer's name (answers saved from now on carry it; those saved keep theirs):";
    ChangeNameKeys => "回车 保存 · Esc 不改", "Enter save · Esc keep the name";
    NameChanged => "调查员已改为", "interviewer now";
    Saved => "已保存", "saved";
    Changed => "已改:", "changed: ";
    NotSaved => "未保存,请再按一次", "not saved, press again";
    TypedWhileWaiting => "等待时按的键未保存,请再按一次", "keys pressed while waiting were not saved, press them again";
    Language => "中文", "English";
    Question => "题", "Question";
    Of => "/", "of";
    Required => "必答", "required";
    Optional => "选答", "optional";
    Unit => "单位", "unit";
    ChoiceKeys => "按数字或字母选择", "press a number or letter to choose";
    MultiKeys => "按键勾选,回车确认", "keys toggle, Enter confirms";
    YesNoKeys => "y 是 / n 否", "y yes / n no";
    TypeKeys => "输入后按回车", "type, then Enter";
    NoteKeys => "回车继续", "Enter to continue";
    AnswerFirst => "请先回答这道必答题", "answer this required question first";
    Review => "核对", "Review";
    Missing => "未答(必答)", "missing (required)";
    Skipped => "未答", "not answered";
    StatusDraft => "草稿", "Draft";
    StatusComplete => "已完成", "Complete";
    EnterNextSurvey => "回车 下一份问卷:", "Enter: next survey: ";
    EnterNextHousehold => "这户的问卷都完成了 · 回车 回到农户列表的下一户", "every survey of this household is complete · Enter: back to the next household";
    CompleteDone => "调查已完成", "interview complete";
    Reopened => "已重新打开,可以修改", "reopened for correction";
    DateForm => "年-月-日,如 2025-11-28 · t 填今天", "year-month-day, as 2025-11-28 · t for today";
    Calculated => "计算得出", "calculated";
    CalculatedNotTyped => "这一项由答案计算得出,改它读取的答案即可", "this is calculated from the answers: change the answers it reads";
    ReopenFirst => "这份调查已完成,不能直接修改:按 o 重新打开后再改", "this interview is complete and cannot be changed as it is: press o to reopen it, then correct";
    LockedKeys => "o 重新打开并修改 · ↑↓ 上下题 · Ctrl-R 核对 · Esc 返回", "o reopen to correct · ↑↓ questions · Ctrl-R review · Esc back";
    AskComplete => "现在完成吗?y 完成,n 留作草稿(草稿不计入排序)", "complete now? y completes, n keeps it a draft (drafts do not count in the priorities)";
    AskLeaveReopened => "重新打开的草稿在再次完成前不计入排序;再按 Esc 离开", "a reopened draft does not count in the priorities until completed again; Esc again leaves";
    AskLeaveUnsaved => "这一题输入的还没保存:回车保存,再按 Esc 不保存离开", "what is typed here is not saved: Enter saves it, Esc again leaves without it";
    QuitUnsaved => "这一题输入的还没保存:回车保存,再按 q 不保存退出", "what is typed here is not saved: Enter saves it, q again quits without it";
    KeptDraft => "已留作草稿,不计入排序", "kept as a draft, not counted in the priorities";
    CannotComplete => "还不能完成,先处理这些题", "Not complete yet: see to these first";
    FixKeys => "按题前的键去那一题 · Esc 关闭", "a question's key goes to it · Esc closes";
    AddHousehold => "添加农户", "Add a household";
    EditHousehold => "修改农户", "Edit household";
    FormKeys => "Tab/回车 下一项 · Shift-Tab 上一项 · Ctrl-S 保存 · Esc 取消", "Tab/Enter next · Shift-Tab previous · Ctrl-S save · Esc cancel";
    PlaceKeys => "↑↓ 选择 · 回车 确定 · Tab 下一项 · Ctrl-S 保存 · Esc 取消", "↑↓ choose · Enter take · Tab next · Ctrl-S save · Esc cancel";
    NewPlaceKeys => "y 新建 · 其他键 返回修改", "y make it new · any other key back to the form";
    RegistryTownships => "登记册中的乡镇:", "Townships in the registry:";
    RegistryVillages => "登记册中的村:", "Villages in the registry:";
    HouseholdSaved => "农户已保存", "household saved";
    SavedButDisagree => "农户已保存,但这些答案与改后的资料不符,请打开调查核对:", "Household saved, but these answers disagree with it now; open the interviews to check them: ";
    ConflictTitle => "在你修改期间,这些项已在别处被改过:", "Changed elsewhere while you edited:";
    Yours => "你填的", "yours";
    Now => "现在的", "now";
    ConflictKeys => "m 保留我填的 · t 采用现在的 · Esc 继续修改", "m keep mine · t take theirs · Esc back to editing";
    Version => "版本", "Version";
    Questions => "题数", "Questions";
    Needs => "需求规则", "Need rules";
    Problems => "问题", "Problems";
    NoProblems => "没有问题", "no problems";
    SurveyFile => "文件", "File";
    Help => "帮助", "Help";
    HelpClose => "按 ? 或 Esc 关闭", "press ? or Esc to close";
    KeysVillages => "↑↓ 选择 · 回车 打开 · / 筛选(拼音或汉字) · a 添加农户 · n 改调查员姓名 · Tab 问卷 · q 退出", "↑↓ select · Enter open · / filter (pinyin or characters) · a add household · n change the interviewer's name · Tab surveys · q quit";
    KeysHouseholds => "↑↓ 选择 · 回车 继续调查 · 1-9 打开第几份问卷 · / 搜索 · a 添加 · e 修改 · Esc 返回 · q 退出", "↑↓ select · Enter continue · 1-9 open survey N · / search · a add · e edit · Esc back · q quit";
    KeysInterview => "选择题一键作答 · ↑/PgUp 上一题 · ↓/PgDn 下一题 · Ctrl-R 核对 · Esc 返回(已自动保存)", "one key per choice · ↑/PgUp previous · ↓/PgDn next · Ctrl-R review · Esc back (all saved)";
    KeysReview => "↑↓ 选择 · 回车 修改该题 · m 第一个未答 · c 完成 · o 重新打开 · Esc 返回", "↑↓ select · Enter change it · m first missing · c complete · o reopen · Esc back";
    KeysSurveys => "↑↓ 选择 · Tab 村 · q 退出", "↑↓ select · Tab villages · q quit";
    KeysCommon => "F1 帮助(不在输入时也可按 ?) · F2 切换语言(不在输入时也可按 L) · Ctrl-C 退出(所有答案都已保存)", "F1 help (? too when not typing) · F2 switch language (L too when not typing) · Ctrl-C quit (every answer is already saved)";
    ShortVillages => "回车 打开 · / 筛选 · a 添加 · n 调查员 · Tab 切换 · ? 帮助 · q 退出", "Enter open · / filter · a add · n interviewer · Tab switch · ? help · q quit";
    FilteringKeys => "筛选中:输入即筛选 · ↑↓ 选择 · 回车 打开 · Esc 清除", "filtering: type to filter · ↑↓ choose · Enter open · Esc clear";
    SearchingKeys => "搜索中:输入即筛选 · ↑↓ 选择 · 回车 打开 · Esc 清除", "searching: type to filter · ↑↓ choose · Enter open · Esc clear";
    ShortHouseholds => "回车 调查 · 1-9 问卷 · / 搜索 · a 添加 · e 修改 · Esc 返回 · ? 帮助", "Enter interview · 1-9 survey · / search · a add · e edit · Esc back · ? help";
    ShortReview => "回车 修改 · m 未答 · c 完成 · o 重开 · Esc 返回 · ? 帮助", "Enter change · m missing · c complete · o reopen · Esc back · ? help";
    ShortSurveys => "↑↓ 选择 · Tab 切换 · ? 帮助 · q 退出", "↑↓ select · Tab switch · ? help · q quit";
    Invalid => "输入有误", "invalid input";
    TabPriorities => "排序", "Priorities";
    All => "全部", "all";
    Category => "类别", "Category";
    Project => "项目", "Project";
    Severity => "严重", "Sev.";
    Phase => "阶段", "Phase";
    Counts => "受影响/调查/登记", "affected/surveyed/registered";
    Share => "比例", "Share";
    LowReliability => "低", "low";
    Reliability => "可靠性", "Reliab.";
    ReliabilityShort => "可靠", "Rel.";
    CostShort => "费用", "Cost";
    TownshipShort => "乡镇", "Town";
    PrioritiesLegend => "严重程度:5 危及生命 4 严重 3 急难 2 有压力 · 阶段:≥20%户达到的最高严重程度", "Sev.: 5 life-safety 4 acute 3 urgent 2 stressed · Phase: worst of ≥20%, first";
    Cost => "费用(元)", "Cost (yuan)";
    ChartVillage => "各类别的阶段", "phase per category";
    ChartCounty => "各阶段的村数", "villages at each phase";
    County => "全县", "County";
    Rule => "规则", "Rule";
    When => "条件", "When";
    Rank => "排序", "Rank";
    People => "受影响人口", "people affected";
    Urgent => "农户自认为急", "called it urgent";
    NoProjects => "还没有完成的调查,所以还没有项目。", "No completed interviews yet, so no projects.";
    ShortPriorities => "回车 说明 · s 跟进 · c 类别 · t 乡镇 · g 图表 · ? 帮助", "Enter explain · s follow-up · c category · t township · g chart · ? help";
    KeysPriorities => "↑↓ 选择 · 回车 说明该项目(哪些户、哪些答案、哪条规则) · s 设置项目跟进状态(批准、拨款、完工、放弃) · c 按类别筛选 · t 按乡镇筛选 · g 图表切换:所选村各类别的阶段 / 各阶段的村数 · Esc 清除筛选 · Tab 切换页面 · q 退出", "↑↓ select · Enter explain the project (households, answers, rule) · s set the project's follow-up (approved, funded, done, dropped) · c filter by category · t filter by township · g chart: the selected village's phase per category / villages at each phase · Esc clear filters · Tab switch page · q quit";
    FollowKeys => "1-4 状态 · 回车/Tab 下一项 · Ctrl-S 保存 · Esc 取消", "1-4 status · Enter/Tab next · Ctrl-S save · Esc cancel";
    NoStatus => "尚未设置(按计算提出)", "not set (proposed by the ranking)";
    StatusNow => "现在的状态", "Status now";
    Amount => "金额(元)", "Amount (yuan)";
    FundSource => "资金来源", "Source of funds";
    Day => "日期(空则今天)", "Date (empty: today)";
    Note => "说明", "Note";
    FollowColumn => "跟进", "Follow";
    MyHouseholds => "我联系的农户(Esc 看全部村)", "My households (Esc: every village)";
    KeysExplain => "↑↓ 滚动 · Esc 返回", "↑↓ scroll · Esc back";
    RosterKeys => "回车 打开这一行 · a 下一个未开始的行 · ↑↓ 选择 · Ctrl-R 核对 · Esc 返回", "Enter open the row · a next row not begun · ↑↓ select · Ctrl-R review · Esc back";
    RosterContinue => "→ 继续下一部分", "→ go on to the next part";
    RosterEmpty => "没有行(行数为 0)", "no rows (the count is 0)";
    RowNotBegun => "未开始", "not begun";
    RowMissing => "未答完", "missing answers";
    RowDone => "已答完", "complete";
    RowsAllBegun => "每一行都已开始", "every row is begun";
    DropRowsTitle => "行数减少了:选出要删除的行(删除的答案留在修改记录中)", "fewer rows now: choose the rows to drop (their answers stay in the audit trail)";
    DropRowsKeys => "按数字或字母选择行 · 回车 删除所选的行 · Esc 回去改行数", "a number or letter picks a row · Enter drops the rows picked · Esc back to change the count";
    DropRowsCount => "还要选", "still to pick";
    SpecialKeys => "Ctrl-D 不知道 · Ctrl-X 拒绝回答", "Ctrl-D don't know · Ctrl-X refused";
    SpecialGiven => "已答", "answered";
    SpecialNotOffered => "这道题不能这样回答", "this question does not take that answer";
}

#[cfg(test)]
mod tests {
    use super::T;

    #[test]
    fn every_string_has_both_languages() {
        for t in T::ALL {
            let (zh, en) = t.pair();
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{t:?}");
            assert!(
                en.is_ascii() || en.contains('↑') || en.contains('·') || en.contains('→'),
                "{t:?} English is English"
            );
        }
        let chinese = T::ALL
            .iter()
            .filter(|t| {
                t.pair()
                    .0
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            })
            .count();
        assert!(chinese >= T::ALL.len() - 2, "Chinese strings are Chinese");
    }
}
