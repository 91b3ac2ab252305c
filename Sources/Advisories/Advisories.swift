/// # Advisories
///
/// Owns what is particular to advisory *collections* (CSAF providers, CERT-FR): reading the
/// listings that say which documents exist and when they changed (provider-metadata.json, ROLIE
/// feeds, changes.csv, index.txt, a local directory), and checking a document against the hash
/// and OpenPGP signature files published beside it before anything reads it.
///
/// It does not fetch (the pipeline does, through Fetching) and does not parse the documents
/// themselves (FeedParsing has one translator per format: CSAF, CERT-FR, KEV).
public enum AdvisoriesModule {}
