import Foundation

/// Where an item is in the editors' workflow.
///
///     new ──policy──▶ queued ──editor──▶ selected ──publication──▶ published
///      │                │  ▲                │
///      └──policy/editor─┴──┴──▶ rejected ◀──┘
public enum CurationStatus: String, Sendable, Codable, CaseIterable {
    case new, queued, selected, rejected, published

    /// The state in French, as the desk and the site write it (FrenchFormat.state).
    public var labelFR: String {
        switch self {
        case .new: "nouveau"
        case .queued: "en file"
        case .selected: "sélectionné"
        case .rejected: "rejeté"
        case .published: "publié"
        }
    }

    /// The states an editor may move an item to from this one. `published` is reached only by
    /// a publication; a published item can still be withdrawn (rejected) or pinned.
    public var editorTargets: Set<CurationStatus> {
        switch self {
        case .new: return [.queued, .selected, .rejected]
        case .queued: return [.selected, .rejected]
        case .selected: return [.queued, .rejected]
        case .rejected: return [.queued, .selected]
        case .published: return [.rejected]
        }
    }
}

/// An item's curation: the decision, the pin, the editor's title and note, and the version that
/// each change must name (optimistic concurrency).
public struct CurationState: Sendable, Equatable, Codable {
    public var status: CurationStatus
    public var pinned: Bool
    /// An editor marked the urgent item handled: it leaves the home page's priority block.
    public var handled: Bool
    public var titleOverride: String?
    /// Markdown as the editor wrote it, and the sanitized HTML the site shows.
    public var note: String?
    public var noteHTML: String?
    /// 0 before any decision; each change adds one.
    public var version: Int
    public var updatedAt: Date?
    public var updatedBy: String?
    /// Tags an editor added and removed, kept apart from the automatic ones.
    public var tagsAdded: [String]
    public var tagsRemoved: [String]
    /// Why an editor rejected the item (a reason of `[curation] rejection_reasons`, or their own
    /// words); nil once it is no longer rejected.
    public var rejectionReason: String?

    public init(status: CurationStatus = .new, pinned: Bool = false, handled: Bool = false, titleOverride: String? = nil, note: String? = nil,
                noteHTML: String? = nil, version: Int = 0, updatedAt: Date? = nil, updatedBy: String? = nil,
                tagsAdded: [String] = [], tagsRemoved: [String] = []) {
        self.status = status
        self.pinned = pinned
        self.handled = handled
        self.titleOverride = titleOverride
        self.note = note
        self.noteHTML = noteHTML
        self.version = version
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
        self.tagsAdded = tagsAdded
        self.tagsRemoved = tagsRemoved
    }
}

/// Which items need an editor, which are selected without one, which are never shown
/// (`[curation]` in cyberveille.toml; docs/curation.md).
public struct CurationPolicy: Sendable, Equatable {
    /// Health score from which a new health item goes to the editors' queue (items not about
    /// health stay new: an editor may still select them).
    public var queueThreshold: Double
    /// Health items from this score on are selected without an editor (nil: none is, on score
    /// alone).
    public var autoSelectThreshold: Double?
    /// Health items with a known-exploited CVE are selected without an editor.
    public var autoSelectKnownExploited: Bool
    /// Items scored below this are rejected by policy: never shown.
    public var floor: Double
    /// Queued items nobody reviewed are published until an editor rejects them, so that the
    /// daily run publishes a sensible edition without any editor.
    public var publishUnreviewed: Bool

    public init(queueThreshold: Double = 0.5, autoSelectThreshold: Double? = nil, autoSelectKnownExploited: Bool = true,
                floor: Double = 0.05, publishUnreviewed: Bool = true) {
        self.queueThreshold = queueThreshold
        self.autoSelectThreshold = autoSelectThreshold
        self.autoSelectKnownExploited = autoSelectKnownExploited
        self.floor = floor
        self.publishUnreviewed = publishUnreviewed
    }
}

/// One line of the append-only audit log.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var itemID: Int64?
    /// JSON of what the action changed, before and after.
    public var before: String?
    public var after: String?

    public init(id: Int64, at: Date, actor: String, action: String, itemID: Int64?, before: String?, after: String?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.itemID = itemID
        self.before = before
        self.after = after
    }
}
