//! The brief as an Excel workbook, written with rust_xlsxwriter: a
//! summary, the ranked projects, native charts, coverage and the method.
//! Numbers are stored as numbers, every name and code as text (never a
//! formula, never a number that loses its leading zeros), columns as wide
//! as their text in display columns (a Chinese character takes two).

use std::io::Write;

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use super::{Brief, PHASES};
use crate::report::coverage::{CoverageRow, Per, headers as coverage_headers};

/// A cell of a table: text, a number (with a format), or nothing.
enum Value {
    Text(String),
    Number(f64),
    Percent(f64),
    Empty,
}

/// The widest a column is made, in characters.
const MAX_WIDTH: usize = 48;
/// The projects the chart of the top shows, and the row its table starts.
const TOP: usize = 20;
const TOP_AT: u32 = 20;

/// Writes the workbook into `out`.
pub fn write(brief: &Brief, out: impl Write + Send) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let names = [
        brief.say("摘要", "Summary"),
        brief.say("项目", "Projects"),
        brief.say("图表", "Charts"),
        brief.say("覆盖", "Coverage"),
        brief.say("方法", "Method"),
    ];
    let sheet = book.add_worksheet().set_name(names[0])?;
    summary(brief, sheet, (&bold, &percent))?;
    let sheet = book
        .add_worksheet_with_constant_memory()?
        .set_name(names[1])?;
    projects(brief, sheet, (&bold, &percent))?;
    let sheet = book.add_worksheet().set_name(names[2])?;
    charts(brief, sheet, names[2], &bold)?;
    let sheet = book
        .add_worksheet_with_constant_memory()?
        .set_name(names[3])?;
    coverage(brief, sheet, &bold)?;
    let sheet = book.add_worksheet().set_name(names[4])?;
    method(brief, sheet, &bold)?;
    book.save_to_writer(out)
}

/// Writes `rows` under `headers` from `top`, the headers bold; returns
/// the row after the last. Rows may be made one at a time as written.
fn table<R: AsRef<[Value]>>(
    sheet: &mut Worksheet,
    top: u32,
    (headers, rows): (&[String], impl IntoIterator<Item = R>),
    (bold, percent): (&Format, &Format),
) -> Result<u32, XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, h, bold)?;
    }
    let mut at = top + 1;
    for row in rows {
        for (c, v) in row.as_ref().iter().enumerate() {
            let c = c as u16;
            match v {
                Value::Text(t) => {
                    sheet.write_string(at, c, t)?;
                }
                Value::Number(n) => {
                    sheet.write_number(at, c, *n)?;
                }
                Value::Percent(n) => {
                    sheet.write_number_with_format(at, c, *n, percent)?;
                }
                Value::Empty => {}
            }
        }
        at += 1;
    }
    Ok(at)
}

/// Sets each column's width to fit its widest text (headers included).
fn widths<R: AsRef<[Value]>>(
    sheet: &mut Worksheet,
    headers: &[String],
    rows: impl IntoIterator<Item = R>,
) -> Result<(), XlsxError> {
    let mut widest: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (c, v) in row.as_ref().iter().enumerate().take(widest.len()) {
            let w = match v {
                Value::Text(t) => t.width(),
                Value::Number(n) => format!("{n}").len(),
                Value::Percent(_) => 6,
                Value::Empty => 0,
            };
            widest[c] = widest[c].max(w);
        }
    }
    for (c, w) in widest.into_iter().enumerate() {
        sheet.set_column_width(c as u16, (w + 2).clamp(6, MAX_WIDTH) as f64)?;
    }
    Ok(())
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn num(n: i64) -> Value {
    Value::Number(n as f64)
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// 摘要: the title, then per township and the county: villages,
/// households, coverage, urgent households, projects by status and their
/// cost; then the villages at each phase per category.
fn summary(
    brief: &Brief,
    sheet: &mut Worksheet,
    formats: (&Format, &Format),
) -> Result<(), XlsxError> {
    let bold = formats.0;
    sheet.write_string_with_format(0, 0, brief.title(), bold)?;
    sheet.write_string(1, 0, brief.made_line())?;
    if let Some(said) = brief.weights_line() {
        sheet.write_string(2, 0, said)?;
    }
    let headers = strings(&brief.summary_headers());
    let total = brief.say("合计", "total");
    let rows: Vec<Vec<Value>> = brief
        .summary()
        .into_iter()
        .map(|l| {
            vec![
                text(if l.place.is_empty() {
                    total.to_string()
                } else {
                    l.place.clone()
                }),
                num(l.villages),
                num(l.registered),
                num(l.surveyed),
                Value::Percent(l.coverage()),
                num(l.urgent),
                num(l.proposed),
                num(l.approved),
                num(l.funded),
                num(l.done),
                Value::Number(l.estimated.round()),
                Value::Number(l.approved_amount.round()),
            ]
        })
        .collect();
    widths(sheet, &headers, &rows)?;
    let next = table(sheet, 4, (&headers, &rows), formats)?;
    phase_table(brief, sheet, next + 1, formats)?;
    sheet.set_freeze_panes(5, 1)?;
    Ok(())
}

/// The villages at each phase per category, from row `at`: the county's
/// (or the township's), then each township's.
fn phase_table(
    brief: &Brief,
    sheet: &mut Worksheet,
    at: u32,
    formats: (&Format, &Format),
) -> Result<(), XlsxError> {
    let (bold, total) = (formats.0, brief.say("合计", "total"));
    sheet.write_string_with_format(
        at,
        0,
        brief.say(
            "各类别处于各阶段的村数",
            "Villages at each phase, per category",
        ),
        bold,
    )?;
    let mut headers = strings(&[brief.say("乡镇", "township"), brief.say("类别", "category")]);
    headers.extend(
        PHASES
            .iter()
            .map(|p| format!("{}{p}", brief.say("阶段", "phase "))),
    );
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let places: Vec<Option<&str>> = std::iter::once(None)
        .chain(brief.townships().into_iter().map(Some))
        .collect();
    for place in places {
        for (c, counts) in brief.phase_counts(place) {
            let mut row = vec![text(place.unwrap_or(total)), text(brief.category_name(c))];
            row.extend(counts.iter().map(|&n| num(n)));
            rows.push(row);
        }
    }
    table(sheet, at + 1, (&headers, &rows), formats)?;
    Ok(())
}

/// 项目: the ranked list, one project a row, with its band, interval,
/// reliability, the households' own view, the trend and the follow-up;
/// header frozen, filters on. Written row by row in constant memory.
fn projects(
    brief: &Brief,
    sheet: &mut Worksheet,
    formats: (&Format, &Format),
) -> Result<(), XlsxError> {
    let headers = strings(&[
        brief.say("排序", "rank"),
        brief.say("全县排序", "county rank"),
        brief.say("名次带", "rank band"),
        brief.say("乡镇", "township"),
        brief.say("村", "village"),
        brief.say("类别", "category"),
        brief.say("项目", "project"),
        brief.say("规则", "rule"),
        brief.say("严重程度", "severity"),
        brief.say("阶段", "phase"),
        brief.say("受影响户数", "households affected"),
        brief.say("调查户数", "surveyed"),
        brief.say("登记户数", "registered"),
        brief.say("受影响人口", "people affected"),
        brief.say("比例", "share"),
        brief.say("90%区间下限", "90% low"),
        brief.say("90%区间上限", "90% high"),
        brief.say("可靠性", "reliability"),
        brief.say("自认为急的比例", "called it urgent"),
        brief.say("估算费用(元)", "estimated cost (yuan)"),
        brief.say(
            "较上轮变化(户)",
            "change since the round before (households)",
        ),
        brief.say("跟进", "follow-up"),
    ]);
    // Each row is made twice, once to measure and once to write, rather
    // than a province's rows held at once.
    let rows = || (0..brief.projects.len()).map(|i| project_row(brief, i));
    widths(sheet, &headers, rows())?;
    sheet.set_freeze_panes(1, 0)?;
    let last = table(sheet, 0, (&headers, rows()), formats)?;
    sheet.autofilter(
        0,
        0,
        last.saturating_sub(1).max(1),
        headers.len() as u16 - 1,
    )?;
    Ok(())
}

/// Project `i` as a row of the projects sheet.
fn project_row(brief: &Brief, i: usize) -> Vec<Value> {
    let rules = &brief.input.rules;
    let low = brief.say("低", "low");
    let p = &brief.projects[i];
    let r = &rules[p.rule];
    let (lo, hi) = p.interval();
    let standing = brief.standings[i];
    let rule_id = p
        .rules()
        .map(|r| rules[r].name.as_str())
        .collect::<Vec<_>>()
        .join("+");
    vec![
        num(i as i64 + 1),
        num(standing.rank as i64),
        text(standing.band_text()),
        text(p.area.township.clone()),
        text(p.area.village.clone()),
        text(brief.category_name(&r.category)),
        text(brief.project_label(p)),
        text(format!("{}.{rule_id}", r.survey)),
        num(i64::from(r.severity)),
        num(i64::from(p.phase)),
        num(p.affected),
        num(p.surveyed),
        num(p.registered),
        num(p.people),
        Value::Percent(p.share()),
        Value::Percent(lo),
        Value::Percent(hi),
        text(if p.low_reliability() { low } else { "" }),
        brief.perceived[i]
            .share()
            .map_or(Value::Empty, Value::Percent),
        p.cost.map_or(Value::Empty, |c| Value::Number(c.round())),
        brief.trend[i].map_or(Value::Empty, num),
        text(brief.status_text(i)),
    ]
}

/// 图表: three native charts, each beside the small table it reads:
/// villages at each phase per category, the top projects by households
/// affected, and the estimated cost per category.
fn charts(
    brief: &Brief,
    sheet: &mut Worksheet,
    name: &str,
    bold: &Format,
) -> Result<(), XlsxError> {
    phase_chart(brief, sheet, name, bold)?;
    top_chart(brief, sheet, name, bold)?;
    cost_chart(brief, sheet, name, bold)?;
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 14)?;
    Ok(())
}

/// Villages at each phase per category, a stacked column chart.
fn phase_chart(
    brief: &Brief,
    sheet: &mut Worksheet,
    name: &str,
    bold: &Format,
) -> Result<(), XlsxError> {
    // Villages at each phase per category: columns A–F from row 1.
    let counts = brief.phase_counts(None);
    sheet.write_string_with_format(0, 0, brief.say("类别", "category"), bold)?;
    for (j, p) in PHASES.iter().enumerate() {
        sheet.write_string_with_format(
            0,
            1 + j as u16,
            format!("{}{p}", brief.say("阶段", "phase ")),
            bold,
        )?;
    }
    for (i, (c, n)) in counts.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_string(row, 0, brief.category_name(c))?;
        for (j, &v) in n.iter().enumerate() {
            sheet.write_number(row, 1 + j as u16, v as f64)?;
        }
    }
    let last = counts.len().max(1) as u32;
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name(brief.say(
        "各类别处于各阶段的村数",
        "Villages at each phase, per category",
    ));
    for j in 0..PHASES.len() as u16 {
        chart
            .add_series()
            .set_name((name, 0, 1 + j))
            .set_categories((name, 1, 0, last, 0))
            .set_values((name, 1, 1 + j, last, 1 + j));
    }
    sheet.insert_chart(0, 7, &chart)?;
    Ok(())
}

/// The top projects by households affected, a bar chart.
fn top_chart(
    brief: &Brief,
    sheet: &mut Worksheet,
    name: &str,
    bold: &Format,
) -> Result<(), XlsxError> {
    // The top projects by households affected: columns A–B from row 20.
    let top = TOP_AT;
    sheet.write_string_with_format(top, 0, brief.say("项目", "project"), bold)?;
    sheet.write_string_with_format(top, 1, brief.say("受影响户数", "households affected"), bold)?;
    let shown: Vec<_> = brief.projects.iter().take(TOP).collect();
    for (i, p) in shown.iter().enumerate() {
        let row = top + 1 + i as u32;
        sheet.write_string(
            row,
            0,
            format!("{} {}", p.area.village, brief.project_label(p)),
        )?;
        sheet.write_number(row, 1, p.affected as f64)?;
    }
    let mut chart = Chart::new(ChartType::Bar);
    chart.title().set_name(brief.say(
        "排名前 20 的项目:受影响户数",
        "The top 20 projects: households affected",
    ));
    chart
        .add_series()
        .set_name((name, top, 1))
        .set_categories((name, top + 1, 0, top + shown.len().max(1) as u32, 0))
        .set_values((name, top + 1, 1, top + shown.len().max(1) as u32, 1));
    chart.y_axis().set_reverse();
    chart.legend().set_hidden();
    sheet.insert_chart(top, 7, &chart)?;
    Ok(())
}

/// The estimated cost per category, a column chart.
fn cost_chart(
    brief: &Brief,
    sheet: &mut Worksheet,
    name: &str,
    bold: &Format,
) -> Result<(), XlsxError> {
    // The estimated cost per category: columns A–B from row 43.
    let at = TOP_AT + TOP as u32 + 3;
    sheet.write_string_with_format(at, 0, brief.say("类别", "category"), bold)?;
    sheet.write_string_with_format(
        at,
        1,
        brief.say("估算费用(元)", "estimated cost (yuan)"),
        bold,
    )?;
    let costs = brief.cost_by_category();
    for (i, (c, cost)) in costs.iter().enumerate() {
        sheet.write_string(at + 1 + i as u32, 0, brief.category_name(c))?;
        sheet.write_number(at + 1 + i as u32, 1, cost.round())?;
    }
    let mut chart = Chart::new(ChartType::Column);
    chart
        .title()
        .set_name(brief.say("各类别估算费用(元)", "Estimated cost per category (yuan)"));
    let end = at + costs.len().max(1) as u32;
    chart
        .add_series()
        .set_name((name, at, 1))
        .set_categories((name, at + 1, 0, end, 0))
        .set_values((name, at + 1, 1, end, 1));
    chart.legend().set_hidden();
    sheet.insert_chart(at, 7, &chart)?;
    Ok(())
}

/// 覆盖: per cadre, then per village.
fn coverage(brief: &Brief, sheet: &mut Worksheet, bold: &Format) -> Result<(), XlsxError> {
    let percent = Format::new();
    // Rows made as written: a province has hundreds of thousands of cadres.
    fn rows(list: &[CoverageRow]) -> impl Iterator<Item = Vec<Value>> + '_ {
        list.iter().map(|r| {
            r.of.iter()
                .map(|s| text(s.clone()))
                .chain(r.counts().iter().map(|&n| num(n)))
                .collect()
        })
    }
    let headers = coverage_headers(Per::Cadre, brief.lang);
    // Widths first: a sheet in constant memory takes them before its rows.
    widths(
        sheet,
        &headers,
        rows(&brief.cadres).chain(rows(&brief.villages)),
    )?;
    sheet.write_string_with_format(0, 0, brief.say("按联户干部", "Per linked cadre"), bold)?;
    let next = table(sheet, 1, (&headers, rows(&brief.cadres)), (bold, &percent))?;
    sheet.write_string_with_format(next + 1, 0, brief.say("按村", "Per village"), bold)?;
    let headers = coverage_headers(Per::Village, brief.lang);
    table(
        sheet,
        next + 2,
        (&headers, rows(&brief.villages)),
        (bold, &percent),
    )?;
    Ok(())
}

/// 方法: how the ranking was made, and from what.
fn method(brief: &Brief, sheet: &mut Worksheet, bold: &Format) -> Result<(), XlsxError> {
    let share = crate::priority::PHASE_SHARE * 100.0;
    let few = crate::priority::MIN_SURVEYED;
    let lines: Vec<(String, String)> = vec![
        (brief.say("生成于", "made").into(), brief.made.clone()),
        (brief.say("数据库", "database").into(), brief.database.clone()),
        (brief.say("轮次", "round").into(), brief.round.clone().unwrap_or_default()),
        (brief.say("上一轮(变化对比)", "round before (for the change)").into(), brief.before.clone().unwrap_or_default()),
        (brief.say("阶段", "phase").into(), format!("{}{share:.0}%", brief.say("一个村至少有这么多调查户达到该严重程度:", "the highest severity at least this share of a village's surveyed households reach: "))),
        (brief.say("排序", "ranking").into(), brief.say("阶段、严重程度、受影响户数、比例、每户费用(低者先)、村", "phase, severity, households affected, share, cost per household (low first), village").into()),
        (brief.say("可靠性低", "low reliability").into(), format!("{}{few}{}", brief.say("调查户少于 ", "fewer than "), brief.say(" 户,或不到登记户数的一半", " households surveyed, or fewer than half of those registered"))),
        (brief.say("90% 区间", "90% interval").into(), brief.say("比例的 Wilson 区间;区间重叠的相邻项目名次带相同", "Wilson interval of the share; neighbours whose intervals overlap share a rank band").into()),
        (brief.say("共用项目", "shared projects").into(), brief.say("同一问卷、同一类别、项目名称相同的规则在一个村合为一个项目,每户只计一次", "rules of one questionnaire and category naming the same project are one project in a village, each household counted once").into()),
        (brief.say("自认为急", "called it urgent").into(), brief.say("受影响户中回答“比较急”或更急的比例", "the share of affected households answering fairly urgent or worse").into()),
        (brief.say("权重", "weights").into(), brief.weights.clone().unwrap_or_else(|| brief.say("无(默认方法)", "none (the documented method)").into())),
    ];
    let mut row = 0u32;
    for (k, v) in &lines {
        sheet.write_string_with_format(row, 0, k, bold)?;
        sheet.write_string(row, 1, v)?;
        row += 1;
    }
    row += 1;
    let headers = strings(&[
        brief.say("问卷", "questionnaire"),
        brief.say("规则", "rule"),
        brief.say("类别", "category"),
        brief.say("严重程度", "severity"),
        brief.say("项目", "project"),
        brief.say("单价(元)", "unit cost (yuan)"),
        brief.say("按人计", "per person"),
    ]);
    let rules: Vec<Vec<Value>> = brief
        .input
        .rules
        .iter()
        .map(|r| {
            vec![
                text(r.survey.clone()),
                text(r.name.clone()),
                text(brief.category_name(&r.category)),
                num(i64::from(r.severity)),
                text(crate::report::priorities::project_label(r, brief.lang)),
                r.unit_cost.map_or(Value::Empty, Value::Number),
                text(if r.per_person {
                    brief.say("是", "yes")
                } else {
                    ""
                }),
            ]
        })
        .collect();
    let plain = Format::new();
    let next = table(sheet, row, (&headers, &rules), (bold, &plain))?;
    let headers = strings(&[
        brief.say("问卷", "questionnaire"),
        brief.say("版本", "version"),
    ]);
    let versions: Vec<Vec<Value>> = brief
        .versions
        .iter()
        .map(|(s, v)| vec![text(s.clone()), text(v.clone())])
        .collect();
    table(sheet, next + 1, (&headers, &versions), (bold, &plain))?;
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 40)?;
    Ok(())
}
