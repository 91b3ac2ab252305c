import Foundation
import Testing

@testable import Publishing

/// A page model for the tests: values by name, nil for those it lacks.
private struct Model: TemplateObject {
    var values: [String: TemplateValue]
    func value(named name: TemplateName) -> TemplateValue? { values[name.text] }
}

private func render(_ templates: [String: String], _ context: TemplateValue, _ name: String = "main") throws -> String {
    let parsed = try templates.mapValues { try Template(parsing: $0) }
    let bytes = try #require(TemplateRenderer(templates: parsed, escape: ScalarHTMLEscaping.escape).render(name, context: context))
    return String(decoding: bytes, as: UTF8.self)
}

/// Our Mustache renderer, on the cases of the Mustache specification that our templates rely on.
@Suite struct TemplateTests {
    @Test func variablesAreEscapedUnlessTripleOrAmpersand() throws {
        let context = TemplateValue.object(Model(values: ["a": .string("<b>\"x\" & 'y'</b>"), "n": .int(3), "f": .bool(false)]))
        #expect(try render(["main": "{{a}}|{{{a}}}|{{& a}}|{{n}}|{{f}}|{{missing}}"], context)
                == "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;|<b>\"x\" & 'y'</b>|<b>\"x\" & 'y'</b>|3|false|")
    }

    @Test func sectionsIterateTestAndPushAndNamesFallThroughTheStack() throws {
        let item = { (title: String, language: String?) in
            TemplateValue.object(Model(values: ["title": .string(title), "language": language.map(TemplateValue.string)].compactMapValues { $0 }))
        }
        let context = TemplateValue.object(Model(values: [
            "items": .list([item("one", "fr"), item("two", nil)]), "language": .string("outer"), "empty": .list([]),
            "yes": .bool(true), "no": .bool(false), "frame": .object(Model(values: ["t": .strings(["k": "value"])])),
        ]))
        let template = "{{#items}}[{{title}}:{{language}}]{{/items}}{{^empty}}none{{/empty}}{{#empty}}never{{/empty}}"
            + "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}n{{/no}}{{frame.t.k}}{{frame.t.absent}}{{#frame}}{{t.k}}{{/frame}}"
        #expect(try render(["main": template], context) == "[one:fr][two:outer]noneYnvaluevalue")
    }

    @Test func standaloneTagsTakeTheirLineAndPartialsAreIndented() throws {
        let context = TemplateValue.object(Model(values: ["items": .list([.string("a"), .string("b")])]))
        let templates = [
            "main": "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n  {{! a comment }}\n</ul>\n  {{> part}}\nend",
            "part": "p1\np2\n",
        ]
        #expect(try render(templates, context) == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n  p1\n  p2\nend")
    }

    @Test func parentsTakeTheBlocksOfTheirChildren() throws {
        let context = TemplateValue.object(Model(values: ["title": .string("T")]))
        let templates = [
            "layout": "<title>{{$title}}default{{/title}}</title>\n<main>{{$main}}{{/main}}</main>\n<foot>{{$foot}}kept{{/foot}}</foot>",
            "main": "{{<layout}}\n{{$title}}{{title}} — site{{/title}}\nignored\n{{$main}}\n<h1>{{title}}</h1>\n{{/main}}\n{{/layout}}\n",
        ]
        #expect(try render(templates, context) == "<title>T — site</title>\n<main><h1>T</h1>\n</main>\n<foot>kept</foot>")
    }

    @Test func dictionaryContextsAreConvertedAsLookedUp() throws {
        let context: [String: Any] = ["alerts": [["title": "A", "urgent": true], ["title": "B", "urgent": false]], "count": 2,
                                      "site": Model(values: ["title": .string("S")]), "none": Optional<String>.none as Any]
        #expect(try render(["main": "{{site.title}} {{count}}:{{#alerts}}{{title}}{{#urgent}}!{{/urgent}}{{/alerts}}{{^none}}-{{/none}}"],
                           .dictionary(context)) == "S 2:A!B-")
    }

    @Test func syntaxErrorsNameTheLineAndColumn() {
        func error(_ text: String) -> TemplateSyntaxError? {
            do {
                _ = try Template(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("a\n  {{#open}}\nb")?.description == "2:3: {{open}} is never closed")
        #expect(error("{{#a}}{{/b}}")?.line == 1)
        #expect(error("x\ny {{name")?.description == "2:3: unclosed tag")
        #expect(error("{{/stray}}") != nil)
        #expect(error("{{=<% %>=}}") != nil, "delimiters cannot be changed")
        #expect(error("{{! fine }}{{#a}}{{/a}}") == nil)
    }

    /// The indentation of a standalone partial goes before the partial's own lines, not before
    /// the lines of a value it shows.
    @Test func aPartialsIndentationLeavesValuesAlone() throws {
        let context = TemplateValue.object(Model(values: ["content": .string("<\n->")]))
        let templates = ["main": "\\\n  {{> part}}\n/", "part": "|\n{{{content}}}\n|\n"]
        #expect(try render(templates, context) == "\\\n  |\n  <\n->\n  |\n/")
    }

    /// A block written inside its own override, a tag split over CRLF lines, and columns counted
    /// in characters.
    @Test func editingMistakesFailCleanly() throws {
        let templates = ["layout": "[{{$main}}default{{/main}}]", "main": "{{<layout}}{{$main}}a{{$main}}x{{/main}}b{{/main}}{{/layout}}"]
        #expect(try render(templates, .object(Model(values: [:]))) == "[axb]")
        #expect(try render(["main": "{{#items\r\n}}{{.}}{{/items}}"], .object(Model(values: ["items": .list([.string("i")])]))) == "i")
        do {
            _ = try Template(parsing: "Élément {{#x}}")
            Issue.record("an unclosed section must be refused")
        } catch {
            #expect(error.column == 9)
        }
    }

    /// A partial that includes itself stops at a fixed depth instead of exhausting the stack.
    @Test func recursivePartialsAreBounded() throws {
        let output = try render(["main": "x{{> main}}"], .object(Model(values: [:])))
        #expect(output.count == 65)
    }
}
