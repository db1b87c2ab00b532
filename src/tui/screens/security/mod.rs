//! The security screen: one security's price chart over a chosen range, the crosshair's
//! reading, key figures and the user's position in it. A symbol not stored yet is fetched on
//! first use, each step shown as it starts.
//!
//! This file owns the screen: its state ([`SecurityState`]), its keys ([`handle_intent`]), the
//! replies to what it asked ([`update`]); the drawing is in `draw.rs`.

mod draw;

use crate::domain::Symbol;
use crate::service::securities::{FirstUseStep, KeyFigures};
use crate::tui::action::{Action, ChartData, Command, FailureKind};
use crate::tui::app::{App, Mode, Range, Screen};
use crate::tui::keymap::Intent;
use crate::tui::settings;

use super::holdings;

pub use draw::draw;

#[derive(Debug, Clone)]
pub struct SecurityState {
    pub symbol: Option<Symbol>,
    pub range: Range,
    pub style: settings::ChartStyle,
    pub chart: Option<ChartData>,
    pub loading: bool,
    /// Index of the bar under the crosshair.
    pub crosshair: Option<usize>,
    pub figures: Option<KeyFigures>,
    pub figures_error: Option<String>,
    pub error: Option<String>,
    /// The step a symbol not stored yet is at, while it is fetched for its chart.
    pub fetching: Option<FirstUseStep>,
}

/// Shows a security's chart, figures and the user's position in it.
pub fn open(app: &mut App, symbol: Symbol) -> Vec<Command> {
    app.screen = Screen::Security;
    app.mode = Mode::Normal;
    if app.security.symbol.as_ref() != Some(&symbol) {
        app.security.chart = None;
        app.security.figures = None;
        app.security.figures_error = None;
        app.security.crosshair = None;
        app.security.error = None;
        app.security.fetching = None;
    }
    app.security.symbol = Some(symbol.clone());
    app.gens.figures += 1;
    let mut cmds = load_chart(app);
    cmds.push(Command::LoadKeyFigures {
        gen: app.gens.figures,
        symbol,
    });
    cmds
}

/// Asks for the chart of the open security over the range chosen.
pub fn load_chart(app: &mut App) -> Vec<Command> {
    let Some(symbol) = app.security.symbol.clone() else {
        return Vec::new();
    };
    app.gens.chart += 1;
    app.security.loading = true;
    vec![Command::LoadChart {
        gen: app.gens.chart,
        symbol,
        range: app.security.range,
        today: app.now,
    }]
}

/// Charts `range` from now on; the chart in view is loaded again.
pub fn set_range(app: &mut App, range: Range) -> Vec<Command> {
    app.security.range = range;
    app.security.crosshair = None;
    if app.screen == Screen::Security {
        return load_chart(app);
    }
    Vec::new()
}

/// What a key means on the screen, as the keymap reads it.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    match intent {
        Back | CrosshairOff => app.security.crosshair = None,
        ChartStyle => {
            use settings::ChartStyle as S;
            app.security.style = match app.security.style {
                S::Line => S::Candles,
                S::Candles => S::Line,
            };
        }
        RangeNext | RangePrev => {
            let range = if intent == RangeNext {
                app.security.range.next()
            } else {
                app.security.range.prev()
            };
            if range != app.security.range {
                app.security.range = range;
                app.security.crosshair = None;
                return load_chart(app);
            }
        }
        CrosshairLeft | CrosshairRight | CrosshairFarLeft | CrosshairFarRight => {
            let n = app
                .security
                .chart
                .as_ref()
                .map_or(0, |c| c.series.bars.len());
            if n == 0 {
                return Vec::new();
            }
            let last = n - 1;
            let at = app.security.crosshair.unwrap_or(last);
            app.security.crosshair = Some(match intent {
                CrosshairLeft => at.saturating_sub(1),
                CrosshairRight => (at + 1).min(last),
                CrosshairFarLeft => at.saturating_sub((n / 10).max(1)),
                _ => (at + (n / 10).max(1)).min(last),
            });
        }
        AddHolding => {
            // At the last close, which the form lets the user change.
            let price = app
                .security
                .chart
                .as_ref()
                .and_then(|c| c.series.bars.last())
                .map(|b| b.close);
            if let Some(symbol) = app.security.symbol.clone() {
                let price = price.map(|p| p.normalize().to_string()).unwrap_or_default();
                holdings::add_holding_form(app, symbol.as_str(), "", &price);
            }
        }
        SyncOne => {
            if let Some(symbol) = app.security.symbol.clone() {
                return app.sync_one(symbol);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The replies to the chart and figures the screen asked for; an overtaken one is dropped.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    match action {
        Action::ChartProgress { gen, step } if gen == app.gens.chart => {
            app.security.fetching = Some(step);
        }
        Action::ChartLoaded { gen, result } if gen == app.gens.chart => {
            app.security.loading = false;
            app.security.fetching = None;
            match result {
                Ok(data) => {
                    let n = data.series.bars.len();
                    app.security.crosshair =
                        app.security.crosshair.map(|c| c.min(n.saturating_sub(1)));
                    app.security.error = None;
                    app.security.chart = Some(*data);
                }
                Err(f) => {
                    app.security.chart = None;
                    app.security.error = Some(f.summary());
                }
            }
        }
        Action::KeyFiguresLoaded { gen, result } if gen == app.gens.figures => {
            match result {
                Ok(k) => {
                    app.security.figures = Some(k);
                    app.security.figures_error = None;
                }
                Err(f) => {
                    app.security.figures_error = Some(match f.kind {
                        // Stored prices would have given figures: there are none.
                        FailureKind::Offline => "offline, none stored".into(),
                        _ => f.summary(),
                    })
                }
            }
        }
        // Overtaken by a newer request, or not this screen's.
        _ => {}
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Failure;
    use crate::tui::driver::key;
    use crate::tui::settings::TuiSettings;
    use crate::tui::update::update;
    use chrono::TimeZone;
    use crossterm::event::KeyCode;

    fn app() -> App {
        let now = chrono::Utc.with_ymd_and_hms(2025, 6, 27, 22, 0, 0).unwrap();
        crate::tui::build_app(&TuiSettings::default(), false, now).unwrap()
    }

    fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
        update(app, key(code))
    }

    #[test]
    fn stale_replies_are_dropped() {
        let mut a = app();
        a.security.symbol = Some(Symbol::parse("AAPL").unwrap());
        let first = load_chart(&mut a);
        let second = load_chart(&mut a);
        let gen = |c: &[Command]| match c {
            [Command::LoadChart { gen, .. }] => *gen,
            other => panic!("{other:?}"),
        };
        let (old, new) = (gen(&first), gen(&second));
        assert!(new > old);
        let failure = Failure {
            kind: FailureKind::Offline,
            message: "old".into(),
            field: None,
        };
        update(
            &mut a,
            Action::ChartLoaded {
                gen: old,
                result: Err(failure.clone()),
            },
        );
        assert!(a.security.loading, "the old reply changes nothing");
        assert!(a.security.error.is_none());
        update(
            &mut a,
            Action::ChartLoaded {
                gen: new,
                result: Err(failure),
            },
        );
        assert!(!a.security.loading);
        assert_eq!(a.security.error.as_deref(), Some("offline: old"));
        let _ = std::mem::size_of::<ChartData>();
    }

    #[test]
    fn range_keys_reload_the_chart_and_stop_at_the_ends() {
        let mut a = app();
        a.screen = Screen::Security;
        a.security.symbol = Some(Symbol::parse("AAPL").unwrap());
        a.security.range = Range::Y5;
        let cmds = press(&mut a, KeyCode::Char(']'));
        assert_eq!(a.security.range, Range::Max);
        assert!(matches!(
            cmds.as_slice(),
            [Command::LoadChart {
                range: Range::Max,
                ..
            }]
        ));
        assert!(
            press(&mut a, KeyCode::Char(']')).is_empty(),
            "no range after MAX"
        );
        a.security.range = Range::D1;
        assert!(press(&mut a, KeyCode::Char('[')).is_empty());
    }
}
