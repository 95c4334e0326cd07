//! Rows as the store hands them out: the model's plain types plus id, version and who last changed them.

use std::sync::Arc;

use serde::Serialize;

use crate::model::{
    BlockReason, Camera, CameraId, IntegrationStage, PasswordState, Site, SiteId, StagePosition,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteRecord {
    pub id: SiteId,
    pub site: Site,
    pub row_version: i64,
    /// Shared between the rows one user changed (a registry has a handful of users and 200,000 rows).
    pub updated_by: Arc<str>,
    pub updated_unix_s: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CameraRecord {
    pub id: CameraId,
    pub site_id: SiteId,
    pub camera: Camera,
    pub stage: IntegrationStage,
    pub blocked_from: Option<IntegrationStage>,
    pub block_reason: Option<BlockReason>,
    pub password: PasswordState,
    pub row_version: i64,
    /// Shared between the rows one user changed (a registry has a handful of users and 200,000 rows).
    pub updated_by: Arc<str>,
    pub updated_unix_s: i64,
}

impl CameraRecord {
    /// Where the camera stands for the stage rules.
    pub fn stage_position(&self) -> StagePosition {
        StagePosition {
            stage: self.stage,
            blocked_from: self.blocked_from,
            area_watched: self.camera.area_watched,
            has_stream: has_stream(&self.camera),
        }
    }

    /// The stage every figure counts this camera at: the privacy rule applied again, so that a private camera
    /// in a file written with the CHECKs switched off never counts (nor shows on the wall) as integrated.
    pub fn counted_stage(&self) -> IntegrationStage {
        crate::model::counted_stage(self.stage, self.camera.area_watched)
    }

    /// Whether the camera counts as integrated (see [`Self::counted_stage`]).
    pub fn is_integrated(&self) -> bool {
        self.counted_stage() == IntegrationStage::Integrated
    }
}

/// True when the camera can be reached: a stream URL, or an NVR with a channel.
pub fn has_stream(camera: &Camera) -> bool {
    !camera.stream_url.trim().is_empty()
        || matches!(&camera.kind, crate::model::CameraKind::Analogue { nvr_host, .. } if !nvr_host.trim().is_empty())
}

/// What an edit does to a camera's stored password.
#[derive(Clone, PartialEq, Eq)]
pub enum PasswordEdit {
    Keep,
    Set(String),
    Clear,
}

impl std::fmt::Debug for PasswordEdit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password itself.
        match self {
            Self::Keep => f.write_str("Keep"),
            Self::Set(_) => f.write_str("Set(<hidden>)"),
            Self::Clear => f.write_str("Clear"),
        }
    }
}

/// One stage change of one camera.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageEventRecord {
    pub id: i64,
    pub camera_id: CameraId,
    pub at_unix_s: i64,
    pub by_user: String,
    pub from_stage: Option<IntegrationStage>,
    pub to_stage: IntegrationStage,
    pub block_reason: Option<BlockReason>,
    pub note: String,
}

/// One follow-up note about a camera: what an owner said when chased, written without moving the stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpRecord {
    pub id: i64,
    pub camera_id: CameraId,
    pub at_unix_s: i64,
    pub by_user: String,
    /// Trimmed, never empty.
    pub note: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_unix_s: i64,
    pub by_user: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Everything the screens show, read once into memory so no frame waits on SQL.
#[derive(Debug, Clone, Default)]
pub struct RegistrySnapshot {
    pub is_demo: bool,
    /// The area the registry serves (where its points must lie).
    pub area: crate::model::ServiceArea,
    pub sites: Vec<SiteRecord>,
    /// Sorted by site id, then camera id.
    pub cameras: Vec<CameraRecord>,
    /// Cameras whose password was sealed with a key this machine does not have.
    pub passwords_to_reenter: usize,
}
