import FeedParsing
import Foundation
import Model
import Testing
import TestSupport

/// Advisories name their products as structured data: each vendor with each product, without
/// versions. Measured on the real CSAF and CERT-FR corpora: a document counts when every product
/// it structures is attached.
@Suite struct VendorProductTests {
    @Test func aCSAFProductTreeGivesEachVendorWithEachProduct() throws {
        let document = """
            {"document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "Example", "publisher": {"name": "Example CERT",
              "category": "coordinator", "namespace": "https://cert.example"}, "tracking": {"id": "EX-2026-0001", "version": "1", "status": "final",
              "initial_release_date": "2026-11-20T10:00:00Z", "current_release_date": "2026-11-20T10:00:00Z",
              "revision_history": [{"number": "1", "date": "2026-11-20T10:00:00Z", "summary": "Initial"}]}},
             "product_tree": {"branches": [
               {"category": "vendor", "name": "Medirad", "branches": [
                 {"category": "product_name", "name": "PACS Server", "branches": [
                   {"category": "product_version", "name": "<8.4.2", "product": {"name": "Medirad PACS Server <8.4.2", "product_id": "P1"}}]},
                 {"category": "product_family", "name": "Viewers", "branches": [
                   {"category": "product_name", "name": "Web Viewer", "branches": [
                     {"category": "product_version", "name": "3.1", "product": {"name": "Medirad Web Viewer 3.1", "product_id": "P2"}}]}]}]},
               {"category": "vendor", "name": "N/A", "branches": [
                 {"category": "product_name", "name": "Ghost", "product": {"name": "Ghost", "product_id": "P3"}}]}]}}
            """
        let feed = try FeedParser().parse(Data(document.utf8), url: "https://cert.example/ex-2026-0001.json")
        let facts = try #require(feed.items.first?.advisory)
        // A product without a named vendor is its own vendor (as CPE names open-source projects).
        #expect(facts.vendorProducts == [VendorProduct(vendor: "Medirad", product: "PACS Server"),
                                         VendorProduct(vendor: "Medirad", product: "Web Viewer"),
                                         VendorProduct(vendor: "Ghost", product: "Ghost")])
        #expect(VendorProduct.from(vendor: "Fortinet", product: "N/A") == nil && VendorProduct.from(vendor: "  Citrix ", product: "NetScaler  ADC")
                == VendorProduct(vendor: "Citrix", product: "NetScaler ADC"))
        #expect(facts.products.contains("Medirad PACS Server <8.4.2"), "the names as they were stay as they were")
    }

    /// For each product of a CSAF tree (a branch carrying a `product`, or a full product name
    /// outside the branches): the vendor and the product it belongs to, as the tree says; a
    /// product whose tree names no vendor, or no product above its version, counts as missing.
    static func productsOfTree(_ tree: [String: Any]?) -> [VendorProduct?] {
        var products: [VendorProduct?] = []
        func walk(_ branch: [String: Any], vendor: String?, product: String?) {
            var vendor = vendor, product = product
            switch branch["category"] as? String {
            case "vendor": vendor = branch["name"] as? String
            case "product_name": product = branch["name"] as? String
            default: break
            }
            if branch["product"] != nil { products.append(VendorProduct.from(vendor: vendor, product: product)) }
            for child in branch["branches"] as? [[String: Any]] ?? [] { walk(child, vendor: vendor, product: product) }
        }
        for branch in tree?["branches"] as? [[String: Any]] ?? [] { walk(branch, vendor: nil, product: nil) }
        products += (tree?["full_product_names"] as? [Any] ?? []).map { _ in nil }
        return products
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing)))
    func everyProductOfTheRealAdvisoriesIsAttached() throws {
        let manager = FileManager.default
        var csafDocuments = 0, csafComplete = 0, csafPairs = 0
        let csafRoot = SharedCorpus.url("realworld/csaf")
        for case let file as URL in manager.enumerator(at: csafRoot, includingPropertiesForKeys: nil)! where file.pathExtension == "json" {
            let data = try Data(contentsOf: file)
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], object["product_tree"] != nil,
                  let facts = try? FeedParser().parse(data, url: file.absoluteString).items.first?.advisory else { continue }
            csafDocuments += 1
            let products = Self.productsOfTree(object["product_tree"] as? [String: Any])
            csafPairs += products.count
            let attached = Set(facts.vendorProducts ?? [])
            if products.allSatisfy({ $0.map(attached.contains) ?? false }) { csafComplete += 1 }
        }
        var certDocuments = 0, certComplete = 0, certPairs = 0
        let certRoot = SharedCorpus.url("realworld/certfr")
        for name in try manager.contentsOfDirectory(atPath: certRoot.path) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: certRoot.appendingPathComponent(name))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let facts = try? FeedParser().parse(data, url: "https://www.cert.ssi.gouv.fr/" + name).items.first?.advisory else { continue }
            certDocuments += 1
            let expected = Set((object["affected_systems"] as? [[String: Any]] ?? []).compactMap { system -> VendorProduct? in
                let product = system["product"] as? [String: Any]
                return VendorProduct.from(vendor: (product?["vendor"] as? [String: Any])?["name"] as? String, product: product?["name"] as? String)
            })
            certPairs += expected.count
            if expected.isSubset(of: Set(facts.vendorProducts ?? [])) { certComplete += 1 }
        }
        print("vendor/product attached: CSAF \(csafComplete)/\(csafDocuments) documents whole (\(csafPairs) products of their trees), "
              + "CERT-FR \(certComplete)/\(certDocuments) documents whole (\(certPairs) pairs)")
        #expect(csafDocuments > 250 && certDocuments > 500)
        #expect(Double(csafComplete) >= 0.99 * Double(csafDocuments))
        #expect(Double(certComplete) >= 0.99 * Double(certDocuments))
        #expect(csafPairs > 0 && certPairs > 0)
    }
}
