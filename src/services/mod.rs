//! Background work and computations over the registry.
