/// # Incidents
///
/// Owns what the national cell does with declared incidents, short of storing them: reading a
/// declarations file (CSV with a header, or JSON Lines with the same keys), checking every
/// field (an error names the line and the field; a file is taken whole or not at all), the NIS2
/// milestones of a declaration, and the anonymous statistics the observatory publishes — with
/// small cells suppressed, and enough others so that none can be recomputed from the totals.
///
/// Private fields (`structure_name`, `description`) are read here and handed to `Storage`;
/// statistics only ever see `IncidentFacts`, which has none. Schema: docs/incidents.md.
public enum IncidentsModule {}
