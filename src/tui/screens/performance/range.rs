//! The ranges the performance screen shows: presets counted back from today, and any days
//! typed on the command line (`:range 2024-01-01..2024-12-31`).

use chrono::{Datelike, Months, NaiveDate};

use crate::domain::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerfRange {
    M1,
    M3,
    Ytd,
    Y1,
    Y3,
    Y5,
    /// From the first activity or statement.
    Max,
    Custom {
        start: NaiveDate,
        end: NaiveDate,
    },
}

impl PerfRange {
    /// The presets, shortest first: what the range keys step through.
    pub const PRESETS: [PerfRange; 7] = [
        Self::M1,
        Self::M3,
        Self::Ytd,
        Self::Y1,
        Self::Y3,
        Self::Y5,
        Self::Max,
    ];

    /// `1Y`, or the days of a custom range (`2024-01-01..2024-12-31`).
    pub fn label(self) -> String {
        match self {
            Self::M1 => "1M".into(),
            Self::M3 => "3M".into(),
            Self::Ytd => "YTD".into(),
            Self::Y1 => "1Y".into(),
            Self::Y3 => "3Y".into(),
            Self::Y5 => "5Y".into(),
            Self::Max => "MAX".into(),
            Self::Custom { start, end } => format!("{start}..{end}"),
        }
    }

    /// A preset by its label, in any case.
    pub fn parse_preset(raw: &str) -> Option<Self> {
        Self::PRESETS
            .into_iter()
            .find(|r| r.label().eq_ignore_ascii_case(raw.trim()))
    }

    /// The first and last day asked for; no first day means from the first activity.
    pub fn days(self, today: NaiveDate) -> (Option<NaiveDate>, NaiveDate) {
        let back = |months: u32| today.checked_sub_months(Months::new(months));
        match self {
            Self::M1 => (back(1), today),
            Self::M3 => (back(3), today),
            Self::Ytd => (NaiveDate::from_ymd_opt(today.year(), 1, 1), today),
            Self::Y1 => (back(12), today),
            Self::Y3 => (back(36), today),
            Self::Y5 => (back(60), today),
            Self::Max => (None, today),
            Self::Custom { start, end } => (Some(start), end),
        }
    }

    /// How many days back the range reaches; MAX reaches furthest.
    fn span(self, today: NaiveDate) -> i64 {
        match self.days(today) {
            (Some(start), end) => (end - start).num_days(),
            (None, _) => i64::MAX,
        }
    }

    /// The next longer preset; MAX stays. A custom range steps to the shortest preset longer
    /// than itself.
    pub fn next(self, today: NaiveDate) -> Self {
        let span = self.span(today);
        Self::PRESETS
            .into_iter()
            .find(|p| p.span(today) > span)
            .unwrap_or(Self::Max)
    }

    /// The next shorter preset; 1M stays. A custom range steps to the longest preset shorter
    /// than itself.
    pub fn prev(self, today: NaiveDate) -> Self {
        let span = self.span(today);
        Self::PRESETS
            .into_iter()
            .rev()
            .find(|p| p.span(today) < span)
            .unwrap_or(Self::M1)
    }
}

/// `FROM..TO`, both `YYYY-MM-DD`, FROM not after TO.
pub fn parse_days(raw: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let usage = || "usage: :range YYYY-MM-DD..YYYY-MM-DD".to_string();
    let (from, to) = raw.trim().split_once("..").ok_or_else(usage)?;
    let date = |word: &str, what: &'static str| {
        let word = word.trim();
        if word.is_empty() {
            return Err(usage());
        }
        time::parse_date(what, word).map_err(|e| format!("'{word}': {}", e.message))
    };
    let (start, end) = (date(from, "start")?, date(to, "end")?);
    if start > end {
        return Err(format!("the range starts ({start}) after it ends ({end})"));
    }
    Ok((start, end))
}

/// Why days cannot be asked for on `today`, if they cannot.
pub fn check_days(end: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if end > today {
        return Err(format!("the range ends ({end}) after today ({today})"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn presets_count_back_from_today() {
        let today = d(2025, 3, 31);
        assert_eq!(PerfRange::M1.days(today), (Some(d(2025, 2, 28)), today));
        assert_eq!(PerfRange::Ytd.days(today), (Some(d(2025, 1, 1)), today));
        assert_eq!(PerfRange::Y3.days(today), (Some(d(2022, 3, 31)), today));
        assert_eq!(PerfRange::Max.days(today), (None, today));
        assert_eq!(PerfRange::parse_preset("3y"), Some(PerfRange::Y3));
        assert_eq!(PerfRange::parse_preset("6M"), None);
    }

    #[test]
    fn keys_step_through_presets_and_stop_at_the_ends() {
        let today = d(2025, 6, 27);
        assert_eq!(PerfRange::Y1.next(today), PerfRange::Y3);
        assert_eq!(PerfRange::Y1.prev(today), PerfRange::Ytd);
        assert_eq!(PerfRange::Max.next(today), PerfRange::Max);
        assert_eq!(PerfRange::M1.prev(today), PerfRange::M1);
        // Early in a year, YTD is shorter than 1M.
        assert_eq!(PerfRange::M1.next(d(2025, 1, 10)), PerfRange::M3);
        let custom = PerfRange::Custom {
            start: d(2024, 1, 1),
            end: d(2024, 12, 31),
        };
        assert_eq!(custom.next(today), PerfRange::Y3);
        assert_eq!(custom.prev(today), PerfRange::Ytd);
    }

    #[test]
    fn typed_days_are_read_or_refused_with_why() {
        assert_eq!(
            parse_days("2024-01-01..2024-12-31"),
            Ok((d(2024, 1, 1), d(2024, 12, 31)))
        );
        assert!(parse_days("2024-12-31..2024-01-01")
            .unwrap_err()
            .contains("after it ends"));
        assert!(parse_days("2024-13-01..2024-12-31")
            .unwrap_err()
            .contains("'2024-13-01'"));
        assert!(parse_days("2024-01-01").unwrap_err().starts_with("usage"));
        assert!(parse_days("2024-01-01..").unwrap_err().starts_with("usage"));
        assert!(check_days(d(2025, 6, 28), d(2025, 6, 27)).is_err());
        assert!(check_days(d(2025, 6, 27), d(2025, 6, 27)).is_ok());
    }
}
