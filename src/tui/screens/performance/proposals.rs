//! The proposals pane (`P` on the performance screen): splits and dividends the market data
//! reported for securities an account held, that its ledger lacks. `a` records the one under
//! the cursor, `d` stops proposing it; the service decides what is proposed.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::service::proposals::{Proposal, ProposedAction};
use crate::tui::action::{Action, Command};
use crate::tui::app::App;
use crate::tui::keymap::Intent;
use crate::tui::widgets::{format, popup};

use super::super::{movement, step};

/// The widest the pane is drawn.
const WIDTH: u16 = 84;

#[derive(Debug, Clone, Default)]
pub struct ProposalsPane {
    /// `None` until the first answer.
    pub items: Option<Vec<Proposal>>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
    /// A decision is on its way: keys wait for it rather than act twice.
    pub deciding: bool,
}

/// Opens the pane and asks for the proposals.
pub fn open(app: &mut App) -> Vec<Command> {
    app.performance.proposals = Some(ProposalsPane::default());
    load(app)
}

fn load(app: &mut App) -> Vec<Command> {
    let Some(pane) = app.performance.proposals.as_mut() else {
        return Vec::new();
    };
    pane.loading = true;
    app.gens.proposals += 1;
    vec![Command::LoadProposals {
        gen: app.gens.proposals,
    }]
}

/// `2021-07-20 Broker NVDA split 4:1`, as the status line names a decision.
fn describe(p: &Proposal) -> String {
    match &p.action {
        ProposedAction::Split(ratio) => format!(
            "the {ratio} split of {} in {} on {}",
            p.security.symbol, p.account_name, p.date
        ),
        ProposedAction::Dividend {
            amount, currency, ..
        } => format!(
            "the dividend of {} {currency} from {} in {} on {}",
            amount.round_dp(2),
            p.security.symbol,
            p.account_name,
            p.date
        ),
    }
}

/// The keys of the open pane.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    let page = app.page_rows;
    let Some(pane) = app.performance.proposals.as_mut() else {
        return Vec::new();
    };
    let len = pane.items.as_ref().map_or(0, Vec::len);
    if let Some(delta) = movement(intent, page) {
        pane.selected = step(pane.selected, len, delta);
        return Vec::new();
    }
    match intent {
        Intent::Proposals | Intent::Back => {
            app.performance.proposals = None;
            Vec::new()
        }
        Intent::Accept | Intent::Dismiss if !pane.deciding => {
            let Some(p) = pane
                .items
                .as_ref()
                .and_then(|items| items.get(pane.selected))
            else {
                return Vec::new();
            };
            let command = Command::DecideProposal {
                id: p.id,
                accept: intent == Intent::Accept,
                what: describe(p),
            };
            pane.deciding = true;
            vec![command]
        }
        _ => Vec::new(),
    }
}

/// The answer to the list asked for; an overtaken one is dropped.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let Action::ProposalsLoaded { gen, result } = action else {
        return Vec::new();
    };
    if gen != app.gens.proposals {
        return Vec::new();
    }
    let Some(pane) = app.performance.proposals.as_mut() else {
        return Vec::new();
    };
    pane.loading = false;
    match result {
        Ok(items) => {
            pane.selected = pane.selected.min(items.len().saturating_sub(1));
            pane.items = Some(items);
            pane.error = None;
        }
        Err(f) => {
            let why = f.summary();
            pane.error = Some(why.clone());
            app.error(format!("proposals: {why}"));
        }
    }
    Vec::new()
}

/// A decision came back: on success the status line says what was done and the proposals
/// (and, for a recorded activity, every figure) are read again.
pub fn decided(app: &mut App, action: Action) -> Vec<Command> {
    let Action::ProposalDecided {
        accepted,
        what,
        result,
    } = action
    else {
        return Vec::new();
    };
    if let Some(pane) = app.performance.proposals.as_mut() {
        pane.deciding = false;
    }
    match result {
        Ok(()) => {
            let mut cmds = load(app);
            if accepted {
                app.info(format!("Recorded {what}"));
                cmds.extend(app.reload());
                cmds.extend(crate::tui::screens::activities::reload(app));
                cmds.extend(super::invalidate(app));
            } else {
                app.info(format!("Dismissed {what}"));
            }
            cmds
        }
        Err(f) => {
            app.error(format!("cannot decide {what}: {}", f.summary()));
            Vec::new()
        }
    }
}

/// One line per proposal: day, account, symbol and what it would record.
fn lines(pane: &ProposalsPane, app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(items) = &pane.items else {
        let text = match (&pane.error, pane.loading) {
            (Some(e), _) => e.clone(),
            _ => "Reading the proposals…".to_string(),
        };
        return vec![Line::from(Span::styled(format!(" {text}"), theme.muted()))];
    };
    if items.is_empty() {
        return vec![Line::from(Span::styled(
            " Nothing to propose: the ledgers hold every split and dividend the market data \
             reported for what they held."
                .to_string(),
            theme.muted(),
        ))];
    }
    items
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // From the most to the least said: a number is shown whole or not at all.
            let whats: Vec<String> = match &p.action {
                ProposedAction::Split(ratio) => vec![format!("split {ratio}"), "split".into()],
                ProposedAction::Dividend {
                    amount,
                    per_share,
                    currency,
                } => {
                    let total = format::money(*amount, app.privacy);
                    vec![
                        format!(
                            "dividend {total} {currency} ({} x {})",
                            format::shares(p.quantity, app.privacy),
                            per_share.normalize()
                        ),
                        format!("dividend {total} {currency}"),
                        "dividend".into(),
                    ]
                }
            };
            let head = format!(
                " {}  {:<14}  {:<8}  ",
                p.date,
                format::fit(&p.account_name, 14),
                p.security.symbol.as_str()
            );
            let text = whats
                .iter()
                .map(|what| format!("{head}{what}"))
                .find(|t| t.chars().count() <= width as usize)
                .unwrap_or_default();
            let style = if i == pane.selected {
                theme.selected()
            } else {
                theme.text()
            };
            Line::from(Span::styled(text, style))
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(pane) = &app.performance.proposals else {
        return;
    };
    let theme = &app.theme;
    let count = pane.items.as_ref().map_or(1, |i| i.len().max(1)) as u16;
    let rect = popup::centered(area, WIDTH, count + 4);
    let inner = popup::frame_box(frame, rect, "Proposals: splits and dividends", theme);
    let [text_area, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let text = lines(pane, app, text_area.width);
    let scroll = (pane.selected as u16).saturating_sub(text_area.height.saturating_sub(1));
    frame.render_widget(Paragraph::new(text).scroll((scroll, 0)), text_area);
    let hint = if pane.deciding {
        " saving…"
    } else {
        " j/k move · a record · d dismiss · P or esc close"
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            hint,
            theme.muted().add_modifier(Modifier::ITALIC),
        )),
        hint_area,
    );
}
