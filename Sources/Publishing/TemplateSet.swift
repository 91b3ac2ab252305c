import Foundation
import Mustache

/// The `.mustache` files of the templates folder, loaded at run time so that editors change the
/// site without rebuilding. Each file is a template named after its path without extension;
/// templates use each other as partials (`{{> item}}`) or parents (`{{< layout}}`). The desk
/// (Desk) loads its own folder, Templates/desk, the same way.
public struct TemplateSet: Sendable {
    let library: MustacheLibrary
    let directory: String
    /// Every template's name, sorted.
    let allNames: [String]

    public init(directory: String, required: [String]) throws {
        self.directory = directory
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: ScalarHTMLEscaping.name)
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw PublishError("\(directory): templates folder not found")
        }
        var templates: [String: MustacheTemplate] = [:]
        for case let file as URL in enumerator where file.pathExtension == "mustache" {
            let name = file.path.dropFirst(root.path.count + 1).dropLast(".mustache".count)
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw PublishError("\(file.path): cannot read the template")
            }
            do {
                // On the first line, so that reported line numbers stay those of the file.
                templates[String(name)] = try MustacheTemplate(string: ScalarHTMLEscaping.pragma + text)
            } catch let error as MustacheTemplate.ParserError {
                throw PublishError("\(file.path):\(error.context.lineNumber):\(error.context.columnNumber): template error: \(error.error)")
            } catch {
                throw PublishError("\(file.path): template error: \(error)")
            }
        }
        for name in required where templates[name] == nil {
            throw PublishError("\(directory)/\(name).mustache: required template is missing")
        }
        library = MustacheLibrary(templates: templates)
        allNames = templates.keys.sorted()
    }

    /// The templates in a subfolder, e.g. "pages/".
    func names(under folder: String) -> [String] { allNames.filter { $0.hasPrefix(folder) } }

    public func render(_ context: Any, _ name: String) throws -> String {
        guard let text = library.render(context, withTemplate: name) else {
            throw PublishError("\(directory)/\(name).mustache: template not found")
        }
        return text
    }
}
