public import Foundation

/// Sends one HTTP request and returns the whole response: the seam between Tsunagu and the network.
///
/// The LINE client and the counsellor CLI talk to it; ``CurlTransport`` implements it over libcurl, and tests
/// replace it with a recording twin. One async `send`, like swift-openapi-runtime's `ClientTransport`.
public protocol HTTPTransport: Sendable {
    /// - Throws: ``HTTPTransportError`` when no HTTP response was received (any status code is a response).
    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse
}

/// An outgoing request.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    /// In order; names as given (HTTP header names are case-insensitive).
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Overrides the transport's total timeout for this request.
    public var timeout: Duration?

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A received response.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// The local TCP port the request went out on; the same port on two requests means one reused
    /// connection (tests use it to prove keep-alive). `nil` when unknown.
    public var localPort: Int?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data(), localPort: Int? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.localPort = localPort
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// No HTTP response was received. Carries no URL and no body: URLs can hold ids (LINE's group paths do).
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The request took longer than its timeout (connect or total).
        public static let timeout = Code(name: "timeout")
        /// No connection could be made (refused, unreachable, DNS failure, proxy failure).
        public static let connectionFailed = Code(name: "connectionFailed")
        /// The server's TLS certificate could not be verified.
        public static let tlsVerificationFailed = Code(name: "tlsVerificationFailed")
        /// The connection broke before a whole response arrived.
        public static let connectionLost = Code(name: "connectionLost")
        /// The transport has been shut down.
        public static let shutDown = Code(name: "shutDown")
        /// The request could not be sent as given (e.g. a malformed URL).
        public static let invalidRequest = Code(name: "invalidRequest")
        /// Any other failure.
        public static let other = Code(name: "other")
        public var description: String { name }
    }

    public let code: Code
    /// One sentence; for libcurl failures, libcurl's own short description of its error code.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
