//! Pieces the screens are drawn from.

pub mod candles;
pub mod columns;
pub mod form;
pub mod format;
pub mod popup;
pub mod price_chart;
pub mod sparkline;
pub mod status_bar;
pub mod wrap;
