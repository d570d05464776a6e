//! Drawing: a pure function of the model. The title bar with the tabs and
//! the trail of screens, the screen on top, the status bar, and the help
//! over them. Nothing here writes to the database or changes the model.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::layout;
use super::model::Model;
use super::screens::Tab;
use super::text::T;
use super::widgets::help::Help;
use super::widgets::status_bar::{NoticeBox, StatusBar};
use super::widgets::{BOLD, DIM, SELECTED};

pub fn view(model: &Model, frame: &mut Frame<'_>) {
    let areas = layout::Areas::new(frame.area());
    let lang = model.lang;
    frame.render_widget(title_line(model), areas.title);
    let ctx = model.ctx();
    if let Some(screen) = model.screen() {
        screen.render(frame, areas.body, &ctx);
    }
    let who = format!("{}: {}", T::Interviewer.get(lang), model.interviewer);
    let notice = model.notice.as_ref().map(|n| (n.text.get(lang), n.error));
    let round = match &model.round {
        Some(name) => format!("{}: {name}", T::Round.get(lang)),
        None => String::new(),
    };
    let bar = StatusBar {
        db: &model.db_display,
        who: &who,
        round: &round,
        language: T::Language.get(lang),
        notice,
    };
    if let Some((text, error)) = notice
        && !bar.notice_fits(areas.status.width)
    {
        let whole = NoticeBox { text, error };
        frame.render_widget(whole, whole.area(areas.body));
    }
    frame.render_widget(bar, areas.status);
    if model.help {
        let keys = model
            .screen()
            .and_then(|s| s.help())
            .map_or("", |k| k.get(lang));
        frame.render_widget(
            Help {
                title: T::Help.get(lang),
                keys: [keys, T::KeysCommon.get(lang)],
                close: T::HelpClose.get(lang),
            },
            areas.body,
        );
    }
}

/// The app's name, the tabs (the one in use reversed) and the trail of
/// screens opened from it.
fn title_line(model: &Model) -> Line<'static> {
    let lang = model.lang;
    let on = model.stack.first().map_or(Tab::Villages, |s| s.tab());
    let tab = |t: T, tab: Tab| {
        let text = format!(" {} ", t.get(lang));
        if tab == on {
            Span::styled(text, SELECTED)
        } else {
            Span::raw(text)
        }
    };
    let mut spans = vec![
        Span::styled(format!("{} ", T::App.get(lang)), BOLD),
        tab(T::TabVillages, Tab::Villages),
        tab(T::TabPriorities, Tab::Priorities),
        tab(T::TabSurveys, Tab::Surveys),
    ];
    let crumbs: Vec<String> = model
        .stack
        .iter()
        .skip(1)
        .filter_map(|s| s.crumb(lang))
        .collect();
    if !crumbs.is_empty() {
        spans.push(Span::styled(format!("  {}", crumbs.join(" › ")), DIM));
    }
    Line::from(spans)
}
