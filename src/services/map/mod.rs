//! The site map's data: offline base maps from MBTiles files ([`mbtiles`]) and their tiles decoded for drawing
//! ([`tiles`]), the spatial index of sites and cameras ([`map_index`]), and ward and police-station boundary
//! layers ([`boundaries`]).

pub mod boundaries;
pub mod map_index;
pub mod mbtiles;
pub mod tiles;
