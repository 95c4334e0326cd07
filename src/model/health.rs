//! What the desk measured when it probed a camera.

use serde::{Deserialize, Serialize};

/// The health of a camera as the desk's own probes saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    /// The stream answered DESCRIBE with a video track (or the snapshot decoded, for snapshot-only cameras).
    Online,
    /// Nothing answered: connection refused, no route, or no answer at all in time.
    Offline,
    /// The camera refused the stored credentials.
    AuthFailed,
    /// Something answered, but not a usable stream or image.
    StreamError,
    /// The desk has not probed it yet.
    NotProbed,
}

impl HealthState {
    pub const ALL: [HealthState; 5] = [
        Self::Online,
        Self::Offline,
        Self::AuthFailed,
        Self::StreamError,
        Self::NotProbed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Offline => "offline",
            Self::AuthFailed => "auth_failed",
            Self::StreamError => "stream_error",
            Self::NotProbed => "not_probed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn i18n_key(self) -> String {
        format!("health-{}", self.code().replace('_', "-"))
    }

    /// Problems first when a list is sorted by health.
    pub fn problem_rank(self) -> u8 {
        match self {
            Self::Offline => 0,
            Self::AuthFailed => 1,
            Self::StreamError => 2,
            Self::NotProbed => 3,
            Self::Online => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_problems_sort_first() {
        for s in HealthState::ALL {
            assert_eq!(HealthState::from_code(s.code()), Some(s));
        }
        let mut all = HealthState::ALL.to_vec();
        all.sort_by_key(|s| s.problem_rank());
        assert_eq!(all.first(), Some(&HealthState::Offline));
        assert_eq!(all.last(), Some(&HealthState::Online));
    }
}
