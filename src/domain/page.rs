use super::ValidationError;

/// Offset pagination as the API contract defines it: `skip >= 0`, `1 <= limit <= 1000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub skip: u64,
    pub limit: u64,
}

impl PageRequest {
    pub const MAX_LIMIT: u64 = 1000;
    pub const DEFAULT_LIMIT: u64 = 100;

    pub fn new(skip: i64, limit: i64) -> Result<Self, ValidationError> {
        if skip < 0 {
            return Err(ValidationError::new("skip", "must be 0 or more"));
        }
        if !(1..=Self::MAX_LIMIT as i64).contains(&limit) {
            return Err(ValidationError::new(
                "limit",
                format!("must be between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        Ok(Self {
            skip: skip as u64,
            limit: limit as u64,
        })
    }

    /// Everything, for callers such as the TUI that show whole collections.
    pub fn all() -> Self {
        Self {
            skip: 0,
            limit: i64::MAX as u64,
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            skip: 0,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

/// One page of a collection and the size of the whole collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}
