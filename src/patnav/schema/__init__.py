"""The shared vocabulary: normalised records, table definitions, canonical identifiers."""
