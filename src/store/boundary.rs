//! The site map's area layers in the registry: wards and police-station areas, one layer per kind.
//!
//! A layer comes whole from one file, so an import replaces the layer of its kind in one transaction: the map
//! never shows half of a new layer over half of an old one, and a refused import leaves the old layer as it was.

use rusqlite::{Connection, OptionalExtension as _, params};
use serde_json::json;

use super::{Actor, Result, Store, StoreError, append_audit};
use crate::model::{BoundaryArea, BoundaryKind, BoundaryPolygons, Field, FieldError, Problem};

/// Where a stored layer came from, for the map's legend ("Wards: 112 areas from lucknow.geojson").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryLayer {
    pub kind: BoundaryKind,
    /// Areas in the layer.
    pub areas: usize,
    /// Name of the file it was imported from.
    pub source_name: String,
    pub imported_unix_s: i64,
    /// Desk user who imported it.
    pub imported_by: String,
}

/// [`Store::boundaries`] on any connection, e.g. a read-only one (reports).
pub fn read_boundaries(conn: &Connection, kind: BoundaryKind) -> Result<Vec<BoundaryArea>> {
    let mut stmt = conn.prepare(
        "SELECT name, code, rings_json FROM boundary WHERE kind = ?1 ORDER BY name, code, id",
    )?;
    let rows = stmt.query_map([kind.code()], |r| {
        Ok(BoundaryArea {
            kind,
            name: r.get(0)?,
            code: r.get(1)?,
            polygons: rings_from_json(2, &r.get::<_, String>(2)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const INSERT_BOUNDARY: &str =
    "INSERT INTO boundary (kind, name, code, rings_json, source_name, imported_unix_s,
    imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// Refuses areas the map could not draw: no name, no ring of three points, a point off the globe.
fn check_areas(kind: BoundaryKind, areas: &[BoundaryArea]) -> Result<()> {
    let name_field = match kind {
        BoundaryKind::Ward => Field::Ward,
        BoundaryKind::PoliceStation => Field::PoliceStation,
    };
    let mut errors = Vec::new();
    for area in areas {
        let has_ring = area
            .polygons
            .iter()
            .any(|rings| rings.first().is_some_and(|outer| outer.len() >= 3));
        if area.name.trim().is_empty() || !has_ring {
            errors.push(FieldError::new(name_field, Problem::Required));
        }
        let mut points = area.polygons.iter().flatten().flatten();
        if points.clone().any(|(lat, _)| !(-90.0..=90.0).contains(lat)) {
            errors.push(FieldError::new(
                Field::Latitude,
                Problem::OutOfRange {
                    min: -90.0,
                    max: 90.0,
                },
            ));
        }
        if points.any(|(_, lon)| !(-180.0..=180.0).contains(lon)) {
            errors.push(FieldError::new(
                Field::Longitude,
                Problem::OutOfRange {
                    min: -180.0,
                    max: 180.0,
                },
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
    }
    Ok(())
}

/// The geometry as stored: GeoJSON MultiPolygon coordinates, [longitude, latitude].
fn rings_json(area: &BoundaryArea) -> Result<String> {
    let lon_lat: Vec<Vec<Vec<[f64; 2]>>> = area
        .polygons
        .iter()
        .map(|rings| {
            rings
                .iter()
                .map(|ring| ring.iter().map(|&(lat, lon)| [lon, lat]).collect())
                .collect()
        })
        .collect();
    serde_json::to_string(&lon_lat)
        .map_err(|e| StoreError::Sql(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))
}

fn rings_from_json(column: usize, text: &str) -> rusqlite::Result<BoundaryPolygons> {
    let lon_lat: Vec<Vec<Vec<[f64; 2]>>> = serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("boundary geometry is not [[[[lon, lat], …]]]: {e}").into(),
        )
    })?;
    Ok(lon_lat
        .into_iter()
        .map(|rings| {
            rings
                .into_iter()
                .map(|ring| ring.into_iter().map(|[lon, lat]| (lat, lon)).collect())
                .collect()
        })
        .collect())
}

/// Replaces the layer of `kind` with `areas` inside the caller's transaction; returns the layer it replaced,
/// if there was one.
pub(super) fn replace_layer(
    conn: &Connection,
    kind: BoundaryKind,
    source_name: &str,
    areas: &[BoundaryArea],
    by_user: &str,
    at_unix_s: i64,
) -> Result<Option<BoundaryLayer>> {
    check_areas(kind, areas)?;
    let before = layer(conn, kind)?;
    conn.execute("DELETE FROM boundary WHERE kind = ?1", [kind.code()])?;
    let mut insert = conn.prepare_cached(INSERT_BOUNDARY)?;
    for area in areas {
        insert.execute(params![
            kind.code(),
            area.name.trim(),
            area.code.trim(),
            rings_json(area)?,
            source_name,
            at_unix_s,
            by_user,
        ])?;
    }
    Ok(before)
}

fn layer(conn: &Connection, kind: BoundaryKind) -> Result<Option<BoundaryLayer>> {
    // One import writes one source, time and user for the whole layer, so any row tells them.
    Ok(conn
        .query_row(
            "SELECT count(*), source_name, imported_unix_s, imported_by FROM boundary WHERE kind = ?1
             GROUP BY kind",
            [kind.code()],
            |r| {
                Ok(BoundaryLayer {
                    kind,
                    areas: r.get::<_, i64>(0)? as usize,
                    source_name: r.get(1)?,
                    imported_unix_s: r.get(2)?,
                    imported_by: r.get(3)?,
                })
            },
        )
        .optional()?)
}

impl Store {
    /// Replaces the layer of this kind with `areas` in one transaction, with an audit entry (who, when, what:
    /// kind, file, count). Returns the number of areas written. Areas without a name or a ring, or with a
    /// point off the globe, are refused and nothing changes.
    pub fn import_boundaries(
        &mut self,
        actor: &Actor,
        kind: BoundaryKind,
        source_name: &str,
        areas: &[BoundaryArea],
    ) -> Result<usize> {
        let tx = self.write_tx()?;
        let before = replace_layer(&tx, kind, source_name, areas, &actor.user, actor.now_unix_s)?;
        append_audit(
            &tx,
            actor,
            "boundary.import",
            "registry",
            None,
            before
                .map(|b| json!({"kind": kind.code(), "file": b.source_name, "count": b.areas}))
                .as_ref(),
            Some(&json!({"kind": kind.code(), "file": source_name, "count": areas.len()})),
        )?;
        tx.commit()?;
        Ok(areas.len())
    }

    /// The areas of one kind, sorted by name (then code).
    pub fn boundaries(&self, kind: BoundaryKind) -> Result<Vec<BoundaryArea>> {
        read_boundaries(&self.conn, kind)
    }

    /// Where the layer of this kind came from; `None` while it has no areas.
    pub fn boundary_layer(&self, kind: BoundaryKind) -> Result<Option<BoundaryLayer>> {
        layer(&self.conn, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenOptions;

    fn open(dir: &std::path::Path) -> Store {
        Store::open(
            &dir.join("r.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap()
    }

    fn ward(name: &str, lat: f64, lon: f64) -> BoundaryArea {
        BoundaryArea {
            kind: BoundaryKind::Ward,
            name: name.into(),
            code: "7".into(),
            polygons: vec![vec![vec![
                (lat, lon),
                (lat, lon + 0.01),
                (lat + 0.01, lon + 0.01),
                (lat, lon),
            ]]],
        }
    }

    #[test]
    fn boundaries_round_trip_sorted_and_layers_are_separate() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let actor = Actor {
            user: "op".into(),
            now_unix_s: 1_764_000_000,
        };
        let wards = [ward("Nawabad", 25.45, 78.58), ward("Ganj", 25.46, 78.57)];
        assert_eq!(
            store
                .import_boundaries(&actor, BoundaryKind::Ward, "wards.geojson", &wards)
                .unwrap(),
            2
        );
        let back = store.boundaries(BoundaryKind::Ward).unwrap();
        assert_eq!(back, vec![wards[1].clone(), wards[0].clone()]);
        assert!(
            store
                .boundaries(BoundaryKind::PoliceStation)
                .unwrap()
                .is_empty()
        );
        let stored: String = store
            .conn_for_tests()
            .query_row(
                "SELECT rings_json FROM boundary WHERE name = 'Ganj'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(stored.starts_with("[[[[78.57,25.46],"), "{stored}");
        assert_eq!(
            store.boundary_layer(BoundaryKind::Ward).unwrap(),
            Some(BoundaryLayer {
                kind: BoundaryKind::Ward,
                areas: 2,
                source_name: "wards.geojson".into(),
                imported_unix_s: 1_764_000_000,
                imported_by: "op".into(),
            })
        );
        assert_eq!(
            store.boundary_layer(BoundaryKind::PoliceStation).unwrap(),
            None
        );

        // Bad areas are refused and the layer stays.
        let mut nameless = ward(" ", 25.45, 78.58);
        let err = store
            .import_boundaries(&actor, BoundaryKind::Ward, "x.geojson", &[nameless.clone()])
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
        nameless.name = "Off the globe".into();
        nameless.polygons[0][0][1].1 = 190.0;
        assert!(matches!(
            store.import_boundaries(&actor, BoundaryKind::Ward, "x.geojson", &[nameless]),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.boundaries(BoundaryKind::Ward).unwrap().len(), 2);
    }
}
