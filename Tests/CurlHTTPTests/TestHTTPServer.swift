import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TsunaguTesting

/// A real HTTP server on loopback for the transport to talk to, with routes that echo, wait, fail, and
/// count how many requests are in flight at once.
struct TestHTTPServer {
    /// Requests in flight now, and the most seen at once.
    let inFlight = Locked((now: 0, most: 0))
    /// How many requests to `/slow` have arrived.
    let slowArrivals = Locked(0)

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let inFlight = self.inFlight
        router.on("/echo", method: .get) { request, _ in
            "GET \(request.headers[HTTPField.Name("X-Test")!] ?? "-")"
        }
        router.post("/echo") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: body))
        }
        router.put("/method") { request, _ in request.method.rawValue }
        router.get("/status/{code}") { _, context -> Response in
            let code = context.parameters.get("code", as: Int.self) ?? 500
            return Response(status: .init(code: code), headers: [HTTPField.Name("Retry-After")!: "3"])
        }
        let slowArrivals = self.slowArrivals
        router.get("/slow") { _, _ -> String in
            slowArrivals.withLock { $0 += 1 }
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        router.get("/big") { request, _ -> Response in
            let size = Int(request.uri.queryParameters.get("bytes") ?? "0") ?? 0
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: size)))
        }
        // Holds each request until `target` are in flight at once (or 10 s pass), then answers.
        router.get("/together") { request, _ -> String in
            let target = Int(request.uri.queryParameters.get("target") ?? "1") ?? 1
            inFlight.withLock { state in
                state.now += 1
                state.most = max(state.most, state.now)
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while inFlight.value.most < target && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            inFlight.withLock { $0.now -= 1 }
            return "ok"
        }
        return router
    }

    /// Runs the server on a free port for the duration of `body`.
    func run(_ body: @escaping @Sendable (_ port: Int) async throws -> Void) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(client.port!)
        }
    }
}
