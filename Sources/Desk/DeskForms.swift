/// The fields each form of the desk posts, decoded by Hummingbird's `URLEncodedFormDecoder`
/// (`DeskServer.form`). Every field is optional text: a missing or empty field is the handler's
/// to judge and to explain, in French, rather than a decoding error. Repeated fields are named
/// with brackets (`item[]`), as that decoder reads arrays.
///
/// Only the standard library: the fuzz target `desk-form` compiles this very file (a link in
/// Fuzz/FuzzDeskForm) with the decoder, without the HTTP server around it.

/// Every form carries the session's token.
protocol SignedForm: Decodable {
    var csrf: String? { get }
}

struct SignInForm: Decodable, Equatable {
    var username: String?
    var password: String?
    var csrf: String?
}

/// Logout: only the token, which the session cookie makes unnecessary (see `logout`).
struct TokenForm: SignedForm, Equatable {
    var csrf: String?
}

/// One item's action: the version the editor saw, and what the action needs.
struct ItemActionForm: SignedForm, Equatable {
    var csrf: String?
    var version: String?
    var note: String?
    var reason: String?
    var reason_other: String?
    var title: String?
    var tags: String?
    var `return`: String?

    /// The fields of the change itself, as the conflict page shows them back.
    var change: [String: String] {
        ["note": note, "reason": reason, "reason_other": reason_other, "title": title, "tags": tags].compactMapValues { $0 }
    }
}

/// One action on many items: `item[]` (the marked rows) or, with `scope=shown`, `shown[]`
/// (every row on the page), each "ID:VERSION".
struct BulkActionForm: SignedForm, Equatable {
    var csrf: String?
    var action: String?
    var scope: String?
    var reason: String?
    var reason_other: String?
    var `return`: String?
    var item: [String]?
    var shown: [String]?
}

struct AlertForm: SignedForm, Equatable {
    var csrf: String?
    var version: String?
    var title: String?
    var severity: String?
    var summary: String?
    var measures: String?
    /// An `<input type="datetime-local">`: "2026-12-08T09:00", in the desk's time zone.
    var embargo: String?
}

struct IncidentStepForm: SignedForm, Equatable {
    var csrf: String?
    var note: String?
    var nature: String?
    var category: String?
}

struct UserForm: SignedForm, Equatable {
    var csrf: String?
    var name: String?
    var role: String?
    var password: String?
}
