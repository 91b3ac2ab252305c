import Foundation
import Model
import Publishing

/// The audit log in words: who (« la politique de tri » rather than `policy`) and what changed
/// (« état : en file → rejeté ; motif : doublon ») instead of the stored JSON.
enum AuditWording {
    static func actor(_ name: String) -> String {
        ["policy": "la politique de tri", "rules": "les règles", "publication": "la publication"][name] ?? name
    }

    private static let fieldNames: [(key: String, label: String)] = [
        ("status", "état"), ("pinned", "épinglé"), ("handled", "traité"), ("rejectionReason", "motif"), ("titleOverride", "titre"),
        ("note", "note"), ("tagsAdded", "étiquettes ajoutées"), ("tagsRemoved", "étiquettes retirées"), ("user", "utilisateur"),
        ("role", "rôle"),
    ]

    /// The fields that differ between the two JSON objects, before → after.
    static func change(before: String?, after: String?) -> String {
        func object(_ text: String?) -> [String: Any] {
            text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
        }
        let old = object(before), new = object(after)
        return fieldNames.compactMap { field -> String? in
            let was = old[field.key].map { value(field.key, $0) } ?? "", now = new[field.key].map { value(field.key, $0) } ?? ""
            guard was != now || (old.isEmpty && !now.isEmpty) || (new.isEmpty && !was.isEmpty) else { return nil }
            if old.isEmpty { return now.isEmpty ? nil : "\(field.label) : \(now)" }
            if new.isEmpty { return was.isEmpty ? nil : "\(field.label) : \(was)" }
            return "\(field.label) : \(was.isEmpty ? "—" : was) → \(now.isEmpty ? "—" : now)"
        }.joined(separator: " ; ")
    }

    private static func value(_ key: String, _ value: Any) -> String {
        switch (key, value) {
        case ("status", let text as String): return CurationStatus(rawValue: text)?.labelFR ?? text
        case ("role", let text as String): return text == "admin" ? "administrateur" : text == "editor" ? "éditeur" : text
        case (_, let flag as Bool): return flag ? "oui" : "non"
        case (_, let list as [Any]): return list.map { "\($0)" }.joined(separator: ", ")
        case (_, let text as String): return text
        case (_, is NSNull): return ""
        default: return "\(value)"
        }
    }
}
