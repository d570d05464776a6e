//! The Priorities tab's chart, drawn with ratatui's `BarChart`: the phase
//! of each category in the selected project's village, or, for the county
//! (or the township filtered), how many villages are at each phase in the
//! category in view. `g` switches between the two.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup};

use crate::i18n::Lang;
use crate::priority::{AreaSummary, at_each_phase, category_name};
use crate::tui::text::T;
use crate::tui::widgets::BOLD;
use crate::tui::widgets::fit::fit;

/// What the chart shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The selected project's village: its phase in each category.
    #[default]
    Village,
    /// The villages at each phase, in the category in view.
    County,
}

impl View {
    pub fn other(self) -> View {
        match self {
            View::Village => View::County,
            View::County => View::Village,
        }
    }
}

/// A chart ready to draw: a title and its bars (label, value, phase).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    pub title: String,
    pub bars: Vec<(String, u64, u8)>,
    /// The longest bar's value: 5 for phases, else the largest count.
    pub max: u64,
}

/// The terminal colour of a phase, 1 (none) to 5 (most severe).
fn colour(phase: u8) -> Color {
    match phase {
        1 => Color::Green,
        2 => Color::Yellow,
        3 => Color::LightRed,
        4 => Color::Red,
        _ => Color::Magenta,
    }
}

/// The phase of each category in `area` (named `place`), in the order of
/// `categories`; a category not surveyed there is left out.
pub fn village(area: &AreaSummary, place: &str, categories: &[String], lang: Lang) -> Chart {
    Chart {
        title: format!("{place} · {}", T::ChartVillage.get(lang)),
        bars: categories
            .iter()
            .filter_map(|c| {
                let phase = area.phase(c)?;
                Some((category_name(c, lang).to_string(), u64::from(phase), phase))
            })
            .collect(),
        max: 5,
    }
}

/// The villages of `areas` at each phase of `category`.
pub fn county<'a>(
    areas: impl Iterator<Item = &'a AreaSummary>,
    (category, place): (&str, &str),
    lang: Lang,
) -> Chart {
    let counts = at_each_phase(areas, category).map(|n| n.max(0) as u64);
    Chart {
        title: format!(
            "{place} · {} · {}",
            T::ChartCounty.get(lang),
            category_name(category, lang)
        ),
        bars: (1..=5u8)
            .map(|p| {
                let label = format!("{}{}{p}", T::Phase.get(lang), lang.pick("", " "));
                (label, counts[usize::from(p) - 1], p)
            })
            .collect(),
        max: counts.iter().copied().max().unwrap_or(1).max(1),
    }
}

/// Draws `chart` in `area`: the title on the first line, a bar a line.
pub fn render(frame: &mut Frame<'_>, area: Rect, chart: &Chart) {
    if area.height <= 1 || chart.bars.is_empty() {
        return;
    }
    let [title, room] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let width = usize::from(area.width);
    frame.render_widget(
        Line::styled(fit(&chart.title, width).into_owned(), BOLD),
        title,
    );
    let bars: Vec<Bar<'_>> = chart
        .bars
        .iter()
        .map(|(label, value, phase)| {
            Bar::default()
                .label(Line::from(label.as_str()))
                .value(*value)
                .text_value(value.to_string())
                .style(Style::new().fg(colour(*phase)))
                .value_style(Style::new().fg(Color::Black).bg(colour(*phase)))
        })
        .collect();
    let widget = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .max(chart.max)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(widget, bars_area(room, chart.bars.len()));
}

/// The room for `n` bars, a line each, at the top of `area`.
fn bars_area(area: Rect, n: usize) -> Rect {
    Rect {
        height: area.height.min(n as u16),
        ..area
    }
}
