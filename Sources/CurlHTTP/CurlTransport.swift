import CCurl
import Foundation

/// ``HTTPTransport`` over libcurl: one thread drives libcurl's multi interface for every request in flight,
/// so hundreds of concurrent requests cost no thread each.
///
/// Connections are kept alive and reused (the multi handle's connection cache), TLS is always verified
/// (against the system's CAs, or ``Configuration/caBundlePath`` for a private CA), connect and total
/// timeouts apply to every request, and the standard proxy variables (`https_proxy`, `http_proxy`,
/// `no_proxy`, as libcurl reads them) are honoured unless ``Configuration/proxy`` is set.
public final class CurlTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection (TCP and TLS).
        public var connectTimeout: Duration
        /// Time allowed for a whole request, unless the request sets its own.
        public var totalTimeout: Duration
        /// A PEM file of CA certificates to trust instead of the system's, for a private CA.
        public var caBundlePath: String?
        /// A proxy URL; `nil` lets libcurl use the standard proxy environment variables.
        public var proxy: String?
        /// Connections kept open to one host at most (requests beyond wait for one).
        public var maxConnectionsPerHost: Int
        /// Responses larger than this fail instead of filling memory.
        public var maxResponseBytes: Int
        public var userAgent: String

        public init(
            connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(30), caBundlePath: String? = nil,
            proxy: String? = nil, maxConnectionsPerHost: Int = 64, maxResponseBytes: Int = 16 << 20,
            userAgent: String = "Tsunagu"
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.caBundlePath = caBundlePath
            self.proxy = proxy
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
        }
    }

    private let loop: CurlMultiLoop

    /// Starts the transport's thread.
    public init(configuration: Configuration = Configuration()) {
        loop = CurlMultiLoop(configuration: configuration)
    }

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let id = loop.reserveID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(id: id, request: request, continuation: continuation)
            }
        } onCancel: {
            loop.cancel(id: id)
        }
    }

    /// Fails every request still in flight with ``HTTPTransportError/Code/shutDown`` and stops the thread.
    /// Called by `deinit` too; calling it twice is harmless.
    public func shutdown() {
        loop.stop()
    }

    deinit { loop.stop() }
}
