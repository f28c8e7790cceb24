import CCurl
import Foundation

/// One request's easy handle and what it has received so far. Lives on the loop thread only and is
/// deliberately not `Sendable`: a curl handle never crosses threads.
final class CurlTransfer {
    let easy: UnsafeMutableRawPointer
    private let continuation: CheckedContinuation<HTTPClientResponse, any Error>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let maxResponseBytes: Int
    private var completed = false
    fileprivate var body = Data()
    fileprivate var headers: [(name: String, value: String)] = []
    fileprivate var overflowed = false

    init(
        request: HTTPClientRequest, configuration: CurlTransport.Configuration,
        continuation: CheckedContinuation<HTTPClientResponse, any Error>
    ) throws {
        guard let easy = curl_easy_init() else { throw HTTPTransportError(.other, "libcurl could not create a handle.") }
        self.easy = easy
        self.continuation = continuation
        self.maxResponseBytes = configuration.maxResponseBytes
        do {
            try configure(request, configuration)
        } catch {
            cleanUp()
            throw error
        }
    }

    private func configure(_ request: HTTPClientRequest, _ configuration: CurlTransport.Configuration) throws {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        try set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        try set(CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.totalTimeout).milliseconds)
        if let bundle = configuration.caBundlePath { try set(CURLOPT_CAINFO, bundle) }
        if let proxy = configuration.proxy { try set(CURLOPT_PROXY, proxy) }

        switch request.method.uppercased() {
        case "GET": try set(CURLOPT_HTTPGET, 1)
        case "HEAD": try set(CURLOPT_NOBODY, 1)
        case "POST": try set(CURLOPT_POST, 1)
        case let method: try set(CURLOPT_CUSTOMREQUEST, method)
        }
        if let body = request.body {
            try check(tsunagu_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            try body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies the bytes, so nothing here has to outlive this call.
                let base =
                    bytes.count == 0
                    ? UnsafeMutableRawPointer(mutating: ("" as StaticString).utf8Start) : UnsafeMutableRawPointer(mutating: bytes.baseAddress!)
                try check(tsunagu_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, base))
            }
        }

        // "Expect:" turns off 100-continue, which would add a round trip (or a one-second wait) to bodies.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let list = curl_slist_append(headerList, line) else {
                throw HTTPTransportError(.invalidRequest, "A request header could not be added.")
            }
            headerList = list
        }
        try check(tsunagu_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))

        let me = Unmanaged.passUnretained(self).toOpaque()
        try check(tsunagu_curl_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteBody))
        try check(tsunagu_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me))
        try check(tsunagu_curl_easy_setopt_callback(easy, CURLOPT_HEADERFUNCTION, curlWriteHeader))
        try check(tsunagu_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me))
    }

    /// The response, or the error, for a transfer that ended with `code`.
    func result(for code: CURLcode) -> Result<HTTPClientResponse, any Error> {
        guard code == CURLE_OK else {
            if overflowed {
                return .failure(HTTPTransportError(.other, "The response was larger than \(maxResponseBytes) bytes."))
            }
            return .failure(HTTPTransportError(Self.errorCode(for: code), String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        var port = 0
        tsunagu_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        tsunagu_curl_easy_getinfo_long(easy, CURLINFO_LOCAL_PORT, &port)
        return .success(HTTPClientResponse(status: status, headers: headers, body: body, localPort: port == 0 ? nil : port))
    }

    func complete(with result: Result<HTTPClientResponse, any Error>) {
        guard !completed else { return }
        completed = true
        cleanUp()
        continuation.resume(with: result)
    }

    private func cleanUp() {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxResponseBytes else {
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            headers.removeAll()  // A new response (after 100 Continue or an interim one) starts over.
        } else if let colon = trimmed.firstIndex(of: ":") {
            headers.append(
                (String(trimmed[..<colon]), String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
    }

    private static func errorCode(for code: CURLcode) -> HTTPTransportError.Code {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR: .connectionFailed
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR: .tlsVerificationFailed
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: .connectionLost
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidRequest
        default: .other
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(tsunagu_curl_easy_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(tsunagu_curl_easy_setopt_string(easy, option, value))
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else {
            throw HTTPTransportError(.invalidRequest, String(cString: curl_easy_strerror(code)))
        }
    }
}

/// libcurl's body callback: appends to the transfer; returning less than given aborts the transfer.
private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
}

/// libcurl's header callback: one header line per call.
private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let data, let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.appendHeaderLine(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
    return size * count
}

extension Duration {
    fileprivate var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
