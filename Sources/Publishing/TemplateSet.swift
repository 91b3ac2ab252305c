import Foundation

/// The `.mustache` files of the templates folder, loaded at run time so that editors change the
/// site without rebuilding. Each file is a template named after its path without extension;
/// templates use each other as partials (`{{> item}}`) or parents (`{{< layout}}`). The desk
/// (Desk) loads its own folder, Templates/desk, the same way.
///
/// Rendered by our own Mustache renderer (Mustache/): page models give their values typed, by
/// name, so that rendering makes no dynamic cast. With a general-purpose library, looking
/// values up in `Any` was four fifths of the time to build a large site.
public struct TemplateSet: Sendable {
    private let templates: [String: Template]
    let directory: String
    /// Every template's name, sorted.
    let allNames: [String]

    public init(directory: String, required: [String]) throws {
        self.directory = directory
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw PublishError("\(directory): templates folder not found")
        }
        var templates: [String: Template] = [:]
        for case let file as URL in enumerator where file.pathExtension == "mustache" {
            let name = file.path.dropFirst(root.path.count + 1).dropLast(".mustache".count)
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw PublishError("\(file.path): cannot read the template")
            }
            do {
                templates[String(name)] = try Template(parsing: text)
            } catch {
                throw PublishError("\(file.path):\(error.line):\(error.column): template error: \(error.message)")
            }
        }
        for name in required where templates[name] == nil {
            throw PublishError("\(directory)/\(name).mustache: required template is missing")
        }
        self.templates = templates
        allNames = templates.keys.sorted()
    }

    /// The templates in a subfolder, e.g. "pages/".
    func names(under folder: String) -> [String] { allNames.filter { $0.hasPrefix(folder) } }

    /// Renders the template `name` with a page model.
    public func render(_ page: some TemplateObject, _ name: String) throws -> String {
        try render(.object(page), name)
    }

    /// Renders the template `name` with a context built as a dictionary.
    public func render(_ context: [String: Any], _ name: String) throws -> String {
        try render(.dictionary(context), name)
    }

    public func render(_ context: TemplateValue, _ name: String) throws -> String {
        String(decoding: try renderUTF8(context, name), as: UTF8.self)
    }

    /// The page as UTF-8, for pages written straight to a file: no String is made (and checked).
    func renderUTF8(_ context: TemplateValue, _ name: String) throws -> [UInt8] {
        let renderer = TemplateRenderer(templates: templates, escape: ScalarHTMLEscaping.escape)
        guard let bytes = renderer.render(name, context: context) else {
            throw PublishError("\(directory)/\(name).mustache: template not found")
        }
        return bytes
    }
}
