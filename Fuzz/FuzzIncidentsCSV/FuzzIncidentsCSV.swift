// libFuzzer target: any bytes read as an incident declarations file in CSV. Every error must name
// the file and a line that exists. Run: scripts/fuzz incidents-csv
@testable import Incidents
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIncidentsCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    do {
        _ = try DeclarationFile.read(bytes, name: "fuzz.csv", format: .csv)
    } catch let errors as DeclarationErrors {
        let lines = bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        for error in errors.errors where error.file != "fuzz.csv" || error.line < 1 || error.line > lines {
            fatalError("error outside the file (\(lines) lines): \(error)")
        }
    } catch {
        fatalError("an error that names no file and line: \(error)")
    }
    return 0
}
