import CCurl
import Foundation

/// libcurl is initialised once per process, before any handle exists.
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// One easy handle with the typed setters the variadic C API cannot offer Swift.
/// Lives on the thread of the multi loop that drives it.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: curl writes into it until the handle is cleaned up, so it lives as long.
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init?() {
        _ = curlGlobalInit
        guard let handle = curl_easy_init() else {
            errorBuffer.deallocate()
            return nil
        }
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = cv_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// curl's own words for the last failure, empty if it gave none.
    var errorMessage: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) { _ = cv_easy_setopt_long(handle, option, value) }
    func set(_ option: CURLoption, _ value: String) { _ = cv_easy_setopt_str(handle, option, value) }
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) { _ = cv_easy_setopt_ptr(handle, option, value) }
    func setLarge(_ option: CURLoption, _ value: Int64) { _ = cv_easy_setopt_off(handle, option, curl_off_t(value)) }

    func setHeaders(_ headers: [String]) {
        for header in headers { headerList = curl_slist_append(headerList, header) }
        if let headerList { _ = cv_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        _ = cv_easy_getinfo_long(handle, info, &value)
        return value
    }

    func string(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard cv_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}
