/// Words a search treats as one (« rançongiciel » and "ransomware"): groups of terms from the
/// tagging rules' `[[synonyms]]`, used by `items search`, the desk and the site's search alike.
public struct SearchSynonyms: Sendable, Equatable {
    /// Each group as written in the rules file (words or phrases, any case, with accents).
    public var groups: [[String]]

    public init(groups: [[String]] = []) {
        self.groups = groups
    }

    public static let none = SearchSynonyms()
}
