// libFuzzer target: any text read as cyberveille.toml. Settings that load keep the bounds the
// documentation gives (positive sizes, fractions in 0…1, an http(s) base URL). Run: scripts/fuzz config-toml
@testable import Config
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let file = try? TOMLFile(path: "fuzz.toml", text: text),
          let settings = try? Settings.resolve(SettingsOverrides(), environment: [:], config: file, configPath: "fuzz.toml") else { return 0 }
    guard settings.site.baseURL.hasPrefix("http"), settings.site.itemsOnHome > 0, settings.fetch.maxBodyBytes > 0,
          (0...1).contains(settings.curation.queueThreshold), (0...1).contains(settings.curation.floor) else {
        fatalError("settings out of their bounds accepted from: \(text.debugDescription)")
    }
    return 0
}
