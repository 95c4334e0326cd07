//! Writing a checked plan: every added site and camera, every update and the import's audit entry in ONE
//! transaction, so a crash, a kill or a cancel part-way leaves the registry exactly as it was.

use serde_json::json;

use super::plan::{ImportPlan, RowAction, SiteChoice};
use crate::model::{IntegrationStage, SiteId, StageChange};
use crate::store::{Actor, BulkStageEvent, Store, StoreError};

/// Rows between two progress reports (and cancel checks).
const PROGRESS_EVERY: usize = 2_000;

/// Why an import was not written; in every case nothing of it is in the registry.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Another desk changed the registry after the dry run: check again.
    #[error(
        "the registry changed after the check (another desk saved something); check the file again before importing"
    )]
    RegistryChanged,
    #[error("the import was cancelled; the registry is as it was")]
    Cancelled,
    /// A row the dry run passed was refused by the registry (e.g. a stream address another desk just used).
    #[error("row {row}: {source}")]
    Row { row: usize, source: StoreError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    pub sites: u64,
    pub cameras_added: u64,
    pub cameras_updated: u64,
}

/// Writes `plan` (made on the registry at `expected_revision`) as `actor`. `progress` gets the fraction done
/// and returns false to cancel.
pub fn commit(
    store: &mut Store,
    actor: &Actor,
    plan: &ImportPlan,
    source_name: &str,
    expected_revision: i64,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Written, CommitError> {
    let mut bulk = store.bulk(actor)?;
    if bulk.import_revision()? != expected_revision {
        return Err(CommitError::RegistryChanged);
    }
    let mut new_site_ids: Vec<Option<SiteId>> = vec![None; plan.new_sites.len()];
    let mut added_ids = Vec::new();
    let total = plan.rows.len().max(1);
    for (i, row) in plan.rows.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 && !progress(i as f32 / total as f32) {
            return Err(CommitError::Cancelled);
        }
        let at_row = |source: StoreError| CommitError::Row {
            row: row.row,
            source,
        };
        match (&row.action, &row.camera) {
            (RowAction::Add, Some(camera)) => {
                let site_id = match row.site {
                    Some(SiteChoice::Existing(id)) => id,
                    Some(SiteChoice::New(k)) => match new_site_ids.get(k).copied().flatten() {
                        Some(id) => id,
                        None => {
                            let id = bulk
                                .add_site(&plan.new_sites[k], &actor.user, actor.now_unix_s)
                                .map_err(at_row)?;
                            if let Some(slot) = new_site_ids.get_mut(k) {
                                *slot = Some(id);
                            }
                            id
                        }
                    },
                    None => continue,
                };
                // A private-area camera is recorded, then rejected at once: it can never be integrated.
                let later = if row.private_area {
                    vec![BulkStageEvent {
                        at_unix_s: actor.now_unix_s,
                        by_user: actor.user.clone(),
                        change: StageChange {
                            to: IntegrationStage::Rejected,
                            reason: None,
                            note: format!(
                                "imported from {source_name} (row {}): watches a private area",
                                row.row
                            ),
                        },
                    }]
                } else {
                    Vec::new()
                };
                let id = bulk
                    .add_camera(
                        site_id,
                        camera,
                        row.password.as_deref(),
                        &actor.user,
                        actor.now_unix_s,
                        &later,
                    )
                    .map_err(at_row)?;
                if let Some(source_ref) = &row.source_ref {
                    bulk.set_source_ref(id, source_ref).map_err(at_row)?;
                }
                added_ids.push(id);
            }
            (RowAction::Update { camera_id }, Some(camera)) => {
                bulk.update_camera(*camera_id, camera, row.password.as_deref())
                    .map_err(at_row)?;
                if let Some(source_ref) = &row.source_ref {
                    bulk.set_source_ref(*camera_id, source_ref)
                        .map_err(at_row)?;
                }
            }
            _ => {}
        }
    }
    if !progress(1.0) {
        return Err(CommitError::Cancelled);
    }
    let counts = bulk.counts();
    let summary = json!({
        "file": source_name,
        "sites_added": counts.sites,
        "cameras_added": counts.cameras,
        "cameras_updated": counts.updated,
        "skipped": plan.counts.skipped,
        "unchanged": plan.counts.unchanged,
        "refused": plan.counts.refused,
        "rejected_private": plan.counts.rejected_private,
        "camera_ids": id_ranges(&added_ids),
    });
    bulk.finish("registry.import", &summary, false)?;
    Ok(Written {
        sites: counts.sites,
        cameras_added: counts.cameras,
        cameras_updated: counts.updated,
    })
}

/// Ids as ranges ("101-250", "300"), so the audit entry of a 200,000-camera import stays small.
fn id_ranges(ids: &[i64]) -> Vec<String> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let mut out = Vec::new();
    let mut iter = sorted.into_iter();
    let Some(mut start) = iter.next() else {
        return out;
    };
    let mut end = start;
    let mut push = |a: i64, b: i64| {
        out.push(if a == b {
            a.to_string()
        } else {
            format!("{a}-{b}")
        });
    };
    for id in iter {
        if id == end + 1 {
            end = id;
        } else {
            push(start, end);
            start = id;
            end = id;
        }
    }
    push(start, end);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_as_ranges() {
        assert_eq!(
            super::id_ranges(&[5, 1, 2, 3, 9, 10]),
            vec!["1-3", "5", "9-10"]
        );
        assert!(super::id_ranges(&[]).is_empty());
    }
}
