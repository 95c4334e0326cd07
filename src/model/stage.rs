//! The integration stages of a camera and the moves between them.
//!
//! surveyed → owner contacted → consent given → configured → integrated; any active stage may be blocked with a
//! reason and moved back when the problem clears; a camera that watches a private area is rejected and never
//! moves forward.

use serde::{Deserialize, Serialize};

use super::AreaWatched;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationStage {
    Surveyed,
    OwnerContacted,
    ConsentGiven,
    Configured,
    Integrated,
    Blocked,
    Rejected,
}

impl IntegrationStage {
    pub const ALL: [IntegrationStage; 7] = [
        Self::Surveyed,
        Self::OwnerContacted,
        Self::ConsentGiven,
        Self::Configured,
        Self::Integrated,
        Self::Blocked,
        Self::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Surveyed => "surveyed",
            Self::OwnerContacted => "owner_contacted",
            Self::ConsentGiven => "consent_given",
            Self::Configured => "configured",
            Self::Integrated => "integrated",
            Self::Blocked => "blocked",
            Self::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn i18n_key(self) -> String {
        format!("stage-{}", self.code().replace('_', "-"))
    }

    /// The next stage on the normal path, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Surveyed => Some(Self::OwnerContacted),
            Self::OwnerContacted => Some(Self::ConsentGiven),
            Self::ConsentGiven => Some(Self::Configured),
            Self::Configured => Some(Self::Integrated),
            Self::Integrated | Self::Blocked | Self::Rejected => None,
        }
    }

    /// Stages on the normal path (those a camera can be blocked from and returned to).
    pub fn is_on_path(self) -> bool {
        !matches!(self, Self::Blocked | Self::Rejected)
    }

    /// Stages that need the camera's stream to be known.
    pub fn needs_stream(self) -> bool {
        matches!(self, Self::Configured | Self::Integrated)
    }
}

/// Why an integration stalled (the fixed list the review meeting uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    OwnerNotReachable,
    ConsentRefused,
    NoUplink,
    NvrNotCompatible,
    Bandwidth,
    PasswordUnknown,
    /// Any other reason; the note must say which.
    Other,
}

impl BlockReason {
    pub const ALL: [BlockReason; 7] = [
        Self::OwnerNotReachable,
        Self::ConsentRefused,
        Self::NoUplink,
        Self::NvrNotCompatible,
        Self::Bandwidth,
        Self::PasswordUnknown,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::OwnerNotReachable => "owner_not_reachable",
            Self::ConsentRefused => "consent_refused",
            Self::NoUplink => "no_uplink",
            Self::NvrNotCompatible => "nvr_not_compatible",
            Self::Bandwidth => "bandwidth",
            Self::PasswordUnknown => "password_unknown",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn i18n_key(self) -> String {
        format!("reason-{}", self.code().replace('_', "-"))
    }
}

/// A requested move of one camera to another stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageChange {
    pub to: IntegrationStage,
    /// Required when `to` is `Blocked`.
    pub reason: Option<BlockReason>,
    /// Free text; required for `BlockReason::Other` and for rejections.
    pub note: String,
}

/// Why a stage change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("the camera is already at stage {0:?}")]
    AlreadyThere(IntegrationStage),
    #[error("a camera that watches a private area ({0:?}) can only be rejected, never integrated")]
    PrivateArea(AreaWatched),
    #[error("only cameras that watch a private area are rejected; block it with a reason instead")]
    RejectCommonArea,
    #[error("cannot move from {from:?} to {to:?}")]
    NotAllowed {
        from: IntegrationStage,
        to: IntegrationStage,
    },
    #[error("a reason is needed to block a camera")]
    ReasonNeeded,
    #[error("the note must say what the other reason is")]
    NoteNeeded,
    #[error("the camera needs a stream URL (or NVR and channel) before it can be {0:?}")]
    StreamNeeded(IntegrationStage),
    /// What the camera watches is not yet known: a person must set it before the camera goes further.
    #[error(
        "what this camera watches is not yet known: set the area in the camera form before it can be {0:?}"
    )]
    AreaNotKnown(IntegrationStage),
}

impl StageError {
    /// Key of this error's message in the i18n catalogue.
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::AlreadyThere(_) => "stage-err-already-there",
            Self::PrivateArea(_) => "stage-err-private-area",
            Self::RejectCommonArea => "stage-err-reject-common",
            Self::NotAllowed { .. } => "stage-err-not-allowed",
            Self::ReasonNeeded => "stage-err-reason-needed",
            Self::NoteNeeded => "stage-err-note-needed",
            Self::StreamNeeded(_) => "stage-err-stream-needed",
            Self::AreaNotKnown(_) => "stage-err-area-not-known",
        }
    }
}

/// Where a camera stands now, as far as the rules need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StagePosition {
    pub stage: IntegrationStage,
    /// The stage a blocked camera was blocked from (it returns there or one step beyond).
    pub blocked_from: Option<IntegrationStage>,
    pub area_watched: AreaWatched,
    /// True when a stream URL or an NVR with a channel is recorded.
    pub has_stream: bool,
}

impl StagePosition {
    /// The stages this camera may move to now, in the order a form lists them.
    pub fn allowed_targets(&self) -> Vec<IntegrationStage> {
        IntegrationStage::ALL
            .into_iter()
            .filter(|&to| self.check_target(to).is_ok())
            .collect()
    }

    /// Checks the move itself (not its reason or note).
    pub fn check_target(&self, to: IntegrationStage) -> Result<(), StageError> {
        use IntegrationStage as S;
        let from = self.stage;
        if to == from {
            return Err(StageError::AlreadyThere(from));
        }
        if self.area_watched == AreaWatched::NotYetKnown
            && (to == S::Rejected
                || from == S::Rejected
                || !self.area_watched.allows_stage(to, Some(from)))
        {
            // It may be private: only a person who looked can say, in the camera form.
            return Err(StageError::AreaNotKnown(to));
        }
        if self.area_watched.is_private() {
            // Privacy first: a private-area camera is only ever recorded (surveyed) or rejected.
            return match to {
                S::Rejected => Ok(()),
                _ => Err(StageError::PrivateArea(self.area_watched)),
            };
        }
        if to == S::Rejected {
            return Err(StageError::RejectCommonArea);
        }
        if to.needs_stream() && !self.has_stream {
            return Err(StageError::StreamNeeded(to));
        }
        let allowed = match (from, to) {
            (S::Blocked, _) => {
                // Files upgraded from schema v1 do not know where a block started: back to the start then.
                let back = self.blocked_from.unwrap_or(S::Surveyed);
                to == back || back.next() == Some(to)
            }
            // A rejected camera whose area was corrected to a common one starts again.
            (S::Rejected, S::Surveyed) => true,
            (S::Rejected, _) => false,
            (_, S::Blocked) => from.is_on_path(),
            _ => from.next() == Some(to),
        };
        if allowed {
            Ok(())
        } else {
            Err(StageError::NotAllowed { from, to })
        }
    }

    /// Checks a whole change: the move, its reason and its note.
    pub fn check(&self, change: &StageChange) -> Result<(), StageError> {
        self.check_target(change.to)?;
        if change.to == IntegrationStage::Blocked {
            match change.reason {
                None => return Err(StageError::ReasonNeeded),
                Some(BlockReason::Other) if change.note.trim().is_empty() => {
                    return Err(StageError::NoteNeeded);
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntegrationStage as S;

    fn at(stage: S, area: AreaWatched) -> StagePosition {
        StagePosition {
            stage,
            blocked_from: None,
            area_watched: area,
            has_stream: true,
        }
    }

    #[test]
    fn normal_path_moves_one_step_at_a_time() {
        let p = at(S::Surveyed, AreaWatched::Gate);
        assert_eq!(p.allowed_targets(), vec![S::OwnerContacted, S::Blocked]);
        assert_eq!(
            p.check_target(S::Integrated),
            Err(StageError::NotAllowed {
                from: S::Surveyed,
                to: S::Integrated
            })
        );
        let p = at(S::Configured, AreaWatched::Gate);
        assert_eq!(p.allowed_targets(), vec![S::Integrated, S::Blocked]);
        let p = at(S::Integrated, AreaWatched::Gate);
        assert_eq!(p.allowed_targets(), vec![S::Blocked]);
    }

    #[test]
    fn private_area_can_only_be_rejected() {
        for area in [
            AreaWatched::Room,
            AreaWatched::Ward,
            AreaWatched::Classroom,
            AreaWatched::Cabin,
        ] {
            let p = at(S::Surveyed, area);
            assert_eq!(p.allowed_targets(), vec![S::Rejected]);
            assert_eq!(
                p.check_target(S::Integrated),
                Err(StageError::PrivateArea(area))
            );
            // Even a camera that somehow sits at Configured cannot be pushed on.
            let p = at(S::Configured, area);
            assert_eq!(
                p.check_target(S::Integrated),
                Err(StageError::PrivateArea(area))
            );
        }
        let p = at(S::Surveyed, AreaWatched::Lobby);
        assert_eq!(
            p.check_target(S::Rejected),
            Err(StageError::RejectCommonArea)
        );
    }

    #[test]
    fn blocked_goes_back_or_one_beyond() {
        let p = StagePosition {
            stage: S::Blocked,
            blocked_from: Some(S::OwnerContacted),
            area_watched: AreaWatched::Entrance,
            has_stream: true,
        };
        assert_eq!(
            p.allowed_targets(),
            vec![S::OwnerContacted, S::ConsentGiven]
        );
        assert!(p.check_target(S::Integrated).is_err());
    }

    #[test]
    fn blocking_needs_reason_and_other_needs_note() {
        let p = at(S::ConsentGiven, AreaWatched::Parking);
        let mut change = StageChange {
            to: S::Blocked,
            reason: None,
            note: String::new(),
        };
        assert_eq!(p.check(&change), Err(StageError::ReasonNeeded));
        change.reason = Some(BlockReason::Other);
        assert_eq!(p.check(&change), Err(StageError::NoteNeeded));
        change.note = "owner abroad till March".into();
        assert_eq!(p.check(&change), Ok(()));
        change.reason = Some(BlockReason::NoUplink);
        change.note.clear();
        assert_eq!(p.check(&change), Ok(()));
    }

    #[test]
    fn configuring_needs_a_stream() {
        let mut p = at(S::ConsentGiven, AreaWatched::Gate);
        p.has_stream = false;
        assert_eq!(
            p.check_target(S::Configured),
            Err(StageError::StreamNeeded(S::Configured))
        );
    }

    #[test]
    fn area_not_yet_known_is_never_configured_integrated_or_rejected() {
        let p = at(S::Surveyed, AreaWatched::NotYetKnown);
        assert_eq!(p.allowed_targets(), vec![S::OwnerContacted, S::Blocked]);
        let p = at(S::ConsentGiven, AreaWatched::NotYetKnown);
        assert_eq!(p.allowed_targets(), vec![S::Blocked]);
        assert_eq!(
            p.check_target(S::Configured),
            Err(StageError::AreaNotKnown(S::Configured))
        );
        let p = at(S::Configured, AreaWatched::NotYetKnown);
        assert_eq!(
            p.check_target(S::Integrated),
            Err(StageError::AreaNotKnown(S::Integrated))
        );
        let p = StagePosition {
            stage: S::Blocked,
            blocked_from: Some(S::ConsentGiven),
            area_watched: AreaWatched::NotYetKnown,
            has_stream: true,
        };
        assert_eq!(p.allowed_targets(), vec![S::ConsentGiven]);
    }

    #[test]
    fn rejected_restarts_only_when_area_is_common() {
        let p = at(S::Rejected, AreaWatched::Corridor);
        assert_eq!(p.allowed_targets(), vec![S::Surveyed]);
        let p = at(S::Rejected, AreaWatched::Room);
        assert!(p.allowed_targets().is_empty());
    }
}
